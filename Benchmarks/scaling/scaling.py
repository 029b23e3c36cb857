"""Scaling runs of `als train`: seconds per iteration and peak memory against non-zeros, factors
and threads, for both solvers, on seeded synthetic data of the MovieLens-25M shape.

Data: `als synthetic --shape ml25m --interactions N --values play-counts` scales users and items
with N (162,541 x 59,047 at 25,000,095), so the work of an iteration grows linearly with N and
the fit of time against non-zeros tests the engine, not the data. Each set is converted once to
a binary cache and reused.

Runs (implicit mode, c = 1 + alpha*r, lambda 10, alpha 1, seed 42):
  - non-zeros 1M, 5M, 10M, 20M, 25M at 64 factors, 2 threads, both solvers;
  - factors 16 ... 256 at 5M non-zeros, 2 threads, both solvers;
  - threads 1 and 2 at 20M non-zeros, 64 factors, both solvers;
  - the ML-25M whole fit: 15 iterations, 64 factors, CG, 2 threads, wall clock of the process
    (cache load, 15 iterations with the loss of each, model write) and its peak RSS.
Seconds per iteration are the median of iterations 2..N (the first pays for page faults of
fresh arrays); peak RSS is /usr/bin/time's maximum resident set size of the process.

Writes JSON (--json), SVG charts (--charts) and the Markdown tables between the scaling markers
in BENCHMARKS.md.
"""
import argparse, json, math, os, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.dirname(HERE))
from benchlib import iteration_seconds, openblas_core, peak_rss_mb, per_iteration, replace_block, sh, svg_chart  # noqa: E402


def dataset(als, work, n):
    cache = os.path.join(work, f"ml25m-{n}.als-cache")
    if not os.path.exists(cache):
        csv = os.path.join(work, f"ml25m-{n}.csv")
        print(f"scaling: generating {n:,} interactions", file=sys.stderr)
        sh([als, "synthetic", csv, "--shape", "ml25m", "--interactions", str(n), "--values", "play-counts",
            "--no-timestamps"])
        sh([als, "convert", csv, "--to", "cache", cache, "--quiet"])
        os.remove(csv)
    return cache


def train(als, cache, factors, solver, iterations, threads):
    t0 = time.monotonic()
    r = sh(["/usr/bin/time", "-v", als, "train", cache, "--mode", "implicit", "--factors", str(factors),
            "--solver", solver, "--iterations", str(iterations), "--regularization", "10", "--alpha", "1",
            "--regularization-exponent", "0", "--confidence", "linear", "--threads", str(threads), "--output", os.path.join(os.path.dirname(cache), "ours.als")])
    wall = time.monotonic() - t0
    times = iteration_seconds(r.stderr)
    return {"seconds_per_iteration": per_iteration(times), "iteration_seconds": times,
            "peak_rss_mb": peak_rss_mb(r.stderr), "wall_seconds": wall, "openblas_core": openblas_core(r.stderr)}


def linear_fit(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    icept = my - slope * mx
    ss_res = sum((y - (icept + slope * x)) ** 2 for x, y in zip(xs, ys))
    ss_tot = sum((y - my) ** 2 for y in ys)
    return slope, icept, 1 - ss_res / ss_tot if ss_tot > 0 else 1.0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--als", required=True)
    p.add_argument("--work", default="/tmp/swiftals-scaling")
    p.add_argument("--iterations", type=int, default=int(os.environ.get("ITERATIONS", "3")))
    p.add_argument("--sizes", default=os.environ.get("SIZES", "1000000,5000000,10000000,20000000,25000095"))
    p.add_argument("--factors", default=os.environ.get("FACTORS", "16,32,64,128,256"))
    p.add_argument("--factor-nnz", type=int, default=5_000_000)
    p.add_argument("--thread-nnz", type=int, default=20_000_000)
    p.add_argument("--json", default=os.path.join(ROOT, "docs", "benchmarks", "scaling.json"))
    p.add_argument("--charts", default=os.path.join(ROOT, "docs", "images"))
    p.add_argument("--markdown", default=os.path.join(ROOT, "BENCHMARKS.md"))
    p.add_argument("--from-json", action="store_true", help="redraw charts and tables from --json, no runs")
    a = p.parse_args()
    if a.from_json:
        with open(a.json) as f:
            return render(json.load(f), a)
    os.makedirs(a.work, exist_ok=True)
    sizes = [int(s) for s in a.sizes.split(",")]
    factors = [int(f) for f in a.factors.split(",")]
    solvers = ("cg", "cholesky")
    res = {"nnz": [], "factors": [], "threads": [], "whole_fit": None,
           "command": "bash Benchmarks/scaling/run.sh", "date": time.strftime("%Y-%m-%d"),
           "iterations": a.iterations,
           "env": {k: os.environ.get(k, "unset") for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}}

    def run(kind, n, k, solver, threads, iterations=a.iterations):
        r = train(a.als, dataset(a.als, a.work, n), k, solver, iterations, threads)
        r.update(nnz=n, factors=k, solver=solver, threads=threads)
        res[kind].append(r)
        print(f"scaling: {kind} nnz={n:,} k={k} {solver} threads={threads}: {r['seconds_per_iteration']:.3f} s/it, "
              f"peak {r['peak_rss_mb']:.0f} MB", file=sys.stderr)
        return r

    for n in sizes:
        for s in solvers:
            run("nnz", n, 64, s, 2)
    for k in factors:
        for s in solvers:
            run("factors", a.factor_nnz, k, s, 2)
    for t in (1, 2):
        for s in solvers:
            run("threads", a.thread_nnz, 64, s, t)
    whole = train(a.als, dataset(a.als, a.work, 25_000_095), 64, "cg", 15, 2)
    res["whole_fit"] = whole
    print(f"scaling: ML-25M whole fit {whole['wall_seconds']:.1f} s, peak {whole['peak_rss_mb']:.0f} MB", file=sys.stderr)

    res["sizes"], res["factor_list"], res["factor_nnz"], res["thread_nnz"] = sizes, factors, a.factor_nnz, a.thread_nnz
    fits = {}
    for s in solvers:
        rows = [r for r in res["nnz"] if r["solver"] == s]
        fits[s] = linear_fit([r["nnz"] for r in rows], [r["seconds_per_iteration"] for r in rows])
    res["fits"] = {s: {"seconds_per_million_nnz": f[0] * 1e6, "intercept": f[1], "r2": f[2]} for s, f in fits.items()}
    os.makedirs(os.path.dirname(a.json), exist_ok=True)
    with open(a.json, "w") as f:
        json.dump(res, f, indent=1)
    render(res, a)


def render(res, a):
    """The SVG charts and the BENCHMARKS.md block of one set of results."""
    solvers = ("cg", "cholesky")
    sizes, factors, whole = res["sizes"], res["factor_list"], res["whole_fit"]
    fits = {s: (f["seconds_per_million_nnz"] / 1e6, f["intercept"], f["r2"]) for s, f in res["fits"].items()}
    a.iterations, a.factor_nnz, a.thread_nnz = res["iterations"], res["factor_nnz"], res["thread_nnz"]

    colors = {"cg": "#1f77b4", "cholesky": "#d62728"}
    svg_chart(os.path.join(a.charts, "scaling-nnz.svg"), "Seconds per iteration against non-zeros (k = 64, 2 threads)",
              "non-zeros (ML-25M shape scaled)", "seconds per iteration",
              [(f"{s} (dashed: least-squares line, R² = {fits[s][2]:.4f})",
                [(r["nnz"], r["seconds_per_iteration"]) for r in res["nnz"] if r["solver"] == s], colors[s])
               for s in solvers], fits=[(fits[s][0], fits[s][1], colors[s]) for s in solvers])
    svg_chart(os.path.join(a.charts, "scaling-factors.svg"),
              f"Seconds per iteration against factors ({a.factor_nnz / 1e6:g}M non-zeros, 2 threads)",
              "factors k (log scale)", "seconds per iteration",
              [(s, [(r["factors"], r["seconds_per_iteration"]) for r in res["factors"] if r["solver"] == s], colors[s])
               for s in solvers], logx=True)

    core = res["nnz"][0]["openblas_core"]
    L = ["<!-- scaling:begin -->",
         f"Command: `bash Benchmarks/scaling/run.sh` ({res['date']}; {a.iterations} iterations per run, seconds per "
         f"iteration = median of iterations 2…{a.iterations}; OpenBLAS core {core}; "
         f"OPENBLAS_CORETYPE={res['env']['OPENBLAS_CORETYPE']}, OPENBLAS_L2_SIZE={res['env']['OPENBLAS_L2_SIZE']}). "
         "Implicit mode, λ 10, α 1, synthetic ML-25M-shaped play counts scaled to each size. Raw figures: "
         "`docs/benchmarks/scaling.json`.", "",
         "**Against non-zeros** (64 factors, 2 threads):", "",
         "| non-zeros | users × items | CG s/iter | Cholesky s/iter | CG peak MB | Cholesky peak MB |", "|---|---|---|---|---|---|"]
    for n in sizes:
        c = next(r for r in res["nnz"] if r["nnz"] == n and r["solver"] == "cg")
        h = next(r for r in res["nnz"] if r["nnz"] == n and r["solver"] == "cholesky")
        u, i = round(162_541 * n / 25_000_095), round(59_047 * n / 25_000_095)
        L.append(f"| {n:,} | {u:,} × {i:,} | {c['seconds_per_iteration']:.3f} | {h['seconds_per_iteration']:.3f} | "
                 f"{c['peak_rss_mb']:.0f} | {h['peak_rss_mb']:.0f} |")
    L += ["", "Least-squares line of seconds per iteration against non-zeros: " + "; ".join(
        f"{s}: {f[0] * 1e6:.4f} s per million non-zeros {'+' if f[1] >= 0 else '−'} {abs(f[1]):.3f} s, "
        f"R² = {f[2]:.4f}" for s, f in fits.items()) + ".",
          "", "![time against non-zeros](docs/images/scaling-nnz.svg)", "",
          f"**Against factors** ({a.factor_nnz:,} non-zeros, 2 threads):", "",
          "| factors | CG s/iter | Cholesky s/iter | CG peak MB | Cholesky peak MB |", "|---|---|---|---|---|"]
    for k in factors:
        c = next(r for r in res["factors"] if r["factors"] == k and r["solver"] == "cg")
        h = next(r for r in res["factors"] if r["factors"] == k and r["solver"] == "cholesky")
        L.append(f"| {k} | {c['seconds_per_iteration']:.3f} | {h['seconds_per_iteration']:.3f} | "
                 f"{c['peak_rss_mb']:.0f} | {h['peak_rss_mb']:.0f} |")
    L += ["", "![time against factors](docs/images/scaling-factors.svg)", "",
          f"**Against threads** ({a.thread_nnz:,} non-zeros, 64 factors):", "",
          "| solver | 1 thread s/iter | 2 threads s/iter | speed-up |", "|---|---|---|---|"]
    for s in solvers:
        one = next(r for r in res["threads"] if r["threads"] == 1 and r["solver"] == s)["seconds_per_iteration"]
        two = next(r for r in res["threads"] if r["threads"] == 2 and r["solver"] == s)["seconds_per_iteration"]
        L.append(f"| {s} | {one:.3f} | {two:.3f} | {one / two:.2f}× |")
    L += ["", f"**ML-25M shape, whole fit** (162,541 × 59,047, 25,000,095 play counts, 64 factors, CG, 15 iterations, "
          f"2 threads): {whole['wall_seconds']:.1f} s wall clock for the whole `als train` process (cache load, 15 "
          f"iterations with the loss of each, model write; the iterations alone {sum(whole['iteration_seconds']):.1f} s), "
          f"peak RSS {whole['peak_rss_mb']:.0f} MB.", "<!-- scaling:end -->"]
    block = "\n".join(L)
    print(block)
    replace_block(a.markdown, "scaling", block, "Scaling")


if __name__ == "__main__":
    main()
