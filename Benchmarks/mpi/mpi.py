"""Distributed training (`als-mpi`) on this machine, and a cost model fitted to it.

Measured (release builds, implicit mode, 64 factors, Cholesky, --no-loss --no-seen):
  - ML-20M-shaped synthetic data (`als synthetic --shape ml20m`, 20M ratings), cut by
    `als-mpi partition` into 1, 2 and 4 shards; `als train` (2 threads) and `mpirun -np N
    als-mpi train` for np 1 (2 threads), 2 (1 thread a rank) and 4 (1 thread a rank, 4 ranks on
    2 cores: oversubscribed), both exchange modes. Seconds per iteration are the median over
    iterations 2..N, split into compute and communication by rank 0's own clock (communication
    includes waiting for slower ranks).
  - Bytes on the wire: the same runs on ML-1M-shaped data over TCP (`--mca btl tcp,self`) inside a
    network namespace of their own, so that its loopback carries this job alone; the loopback's
    transmitted bytes of a 3-iteration run minus a 1-iteration run, over 2 iterations and N
    ranks, against the formula.

The cost model (seconds per iteration, per node of C cores):
  compute  = c * W / (N * C),   W = 2*nnz*k^2 + (users + items)*(k^3/3 + k^2)
  allgather exchange = 2*(N-1)*alpha + (users + items)*k*4*(N-1)/N / beta
  alltoall exchange  = 2*(N-1)*alpha + (touched_users + touched_items)*k*4 / beta, where a rank
      touches a row of mean degree d with probability 1 - (1 - 1/N)^d (uniform, no power law)
  Gram allreduce     = 2 * (2*log2(N)*alpha + 2*k^2*8*(N-1)/N / beta)
c (seconds per work unit per core) is fitted on the np 1 run; the model is then checked against
np 2 and 4 (compute with N ranks sharing this machine's 2 cores, communication with the
shared-memory bandwidth fitted on np 2 allgather).
"""
import argparse, json, math, os, re, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.dirname(HERE))
from benchlib import iteration_seconds, per_iteration, sh, spark_fit, svg_chart  # noqa: E402

MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe"]
K = 64
LINE = re.compile(r"iteration\s+\d+/\d+\s+loss \S+\s+([0-9.]+) s\s+\(communicating ([0-9.]+) s, (\d+) bytes")


def work_units(nnz, users, items, k=K):
    return 2 * nnz * k * k + (users + items) * (k ** 3 / 3 + k * k)


def data(bin_, work, shape):
    cache = os.path.join(work, f"{shape}.als-cache")
    if not os.path.exists(cache):
        csv = os.path.join(work, f"{shape}.csv")
        print(f"mpi: generating {shape}", file=sys.stderr)
        sh([f"{bin_}/als", "synthetic", csv, "--shape", shape, "--no-timestamps"])
        sh([f"{bin_}/als", "convert", csv, "--to", "cache", cache, "--quiet"])
        os.remove(csv)
    return cache


def shards(bin_, work, cache, parts):
    d = os.path.join(work, f"shards-{os.path.basename(cache)}-{parts}")
    if not os.path.exists(os.path.join(d, "ids.als-cache")):
        sh([f"{bin_}/als-mpi", "partition", cache, "--parts", str(parts), "--output", d])
    return d


def train_flags(iterations, threads):
    return ["--factors", str(K), "--iterations", str(iterations), "--threads", str(threads), "--no-loss", "--no-seen"]


def run_mpi(bin_, input_, np_, threads, exchange, iterations, extra=(), prefix=(), flags=()):
    # Open MPI binds each rank to one core when np <= 2: a rank of several threads needs
    # --bind-to none, or its threads share that core.
    bind = ["--bind-to", "none"] if threads > 1 else []
    cmd = list(prefix) + MPIRUN + bind + ["-np", str(np_)] + list(extra) + [f"{bin_}/als-mpi", "train", input_, "--output",
                                                                     "/tmp/swiftals-mpi-model.als", "--exchange", exchange] \
        + train_flags(iterations, threads) + list(flags)
    err = sh(cmd).stderr
    rows = [(float(s), float(c), int(b)) for s, c, b in LINE.findall(err)]
    return {"np": np_, "threads": threads, "exchange": exchange, "command": " ".join(cmd[len(prefix):]),
            "seconds": [r[0] for r in rows], "communication": [r[1] for r in rows], "bytes": [r[2] for r in rows]}


def lo_tx_bytes(ns):
    out = sh(["ip", "netns", "exec", ns, "cat", "/proc/net/dev"]).stdout
    for line in out.splitlines():
        if line.strip().startswith("lo:"):
            return int(line.split(":")[1].split()[8])
    return 0


def wire_bytes(bin_, cache, np_, exchange):
    """Bytes per rank per iteration over TCP, measured on a namespace's loopback."""
    ns = f"swiftals-mpi-{os.getpid()}"
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"], check=True)
        prefix = ["ip", "netns", "exec", ns]
        extra = ["--mca", "btl", "tcp,self", "--mca", "btl_tcp_if_include", "lo", "--mca", "oob_tcp_if_include", "lo"]
        totals = []
        for iterations in (1, 3):
            before = lo_tx_bytes(ns)
            run_mpi(bin_, cache, np_, 1, exchange, iterations, extra, prefix)
            totals.append(lo_tx_bytes(ns) - before)
        return (totals[1] - totals[0]) / 2 / np_
    finally:
        subprocess.run(["ip", "netns", "delete", ns])


def header(cache):
    out = sh([os.environ.get("ALS", "als"), "inspect", cache, "--format", "json"]).stdout
    j = json.loads(out)
    return j["users"], j["items"], j["non_zeros"]


def formula_bytes(users, items, np_, exchange, touched=None, k=K):
    """Per rank per iteration: the factor exchange and two Gram allreduces, as the model has them."""
    gram = 2 * 2 * k * k * 8 * (np_ - 1) / np_
    if exchange == "allgather":
        return (users + items) * k * 4 * (np_ - 1) / np_ + gram
    return touched * k * 4 + gram


def touched_rows(rows, mean_degree, n):
    """Rows of another rank's side that a rank touches: each of `rows` with `mean_degree`
    interactions spread uniformly over n ranks is touched with probability 1 - (1 - 1/n)^d."""
    return rows * (1 - (1 - 1 / n) ** mean_degree)


def model(nnz, users, items, n, cores, c, alpha, beta, exchange, k=K):
    compute = c * work_units(nnz, users, items, k) / (n * cores)
    gram = 2 * (2 * math.log2(max(n, 2)) * alpha + 2 * k * k * 8 * (n - 1) / n / beta)
    if exchange == "allgather":
        rows = (users + items) * (n - 1) / n
    else:
        rows = touched_rows(users, nnz / users, n) + touched_rows(items, nnz / items, n)
        rows = rows * (n - 1) / n  # the rank's own share stays local
    comm = 2 * (n - 1) * alpha + rows * k * 4 / beta + gram
    return compute, comm


# Spark MLlib's convention, for the side-by-side run: c = 1 + α·r, λ times each row's count.
SPARK_FLAGS = ["--confidence", "linear", "--regularization", "0.1", "--regularization-exponent", "1", "--alpha", "1"]


def spark_side_by_side(a, big):
    """Spark MLlib ALS (pyspark, local[2], h2h.py's spark-train) on the same data, against
    `als train` and `mpirun -np 2 als-mpi train` with Spark's convention; None when the python
    given has no pyspark or no Java runtime is on the PATH."""
    py = a.spark_python
    try:
        sh([py, "-c", "import pyspark"])
        sh(["java", "-version"])
    except Exception as e:
        print(f"mpi: Spark skipped ({e})", file=sys.stderr)
        return None
    csv = os.path.join(a.work, f"{a.shape}-spark.csv")
    if not os.path.exists(csv):
        sh([f"{a.bin}/als", "synthetic", csv, "--shape", a.shape, "--no-timestamps"])
    print(f"mpi: Spark, {a.iterations} iterations", file=sys.stderr)
    peer, _ = spark_fit(py, csv, K, a.iterations, threads=2)
    version = sh([py, "-c", "import pyspark; print(pyspark.__version__)"]).stdout.strip()
    err = sh([f"{a.bin}/als", "train", big, "--output", "/tmp/swiftals-mpi-model.als"]
             + train_flags(a.iterations, 2) + SPARK_FLAGS).stderr
    single = iteration_seconds(err)
    two = run_mpi(a.bin, shards(a.bin, a.work, big, 2), 2, 1, "allgather", a.iterations, flags=SPARK_FLAGS)
    return {"pyspark": version, "fit_seconds": peer["fit"], "jvm_peak_mb": peer["jvm_peak_mb"],
            "single": single, "np2": two, "flags": " ".join(SPARK_FLAGS)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--work", default="/tmp/swiftals-mpi")
    p.add_argument("--iterations", type=int, default=3)
    p.add_argument("--shape", default="ml20m", help="the measured data's shape (ml100k for a quick smoke run)")
    p.add_argument("--wire-shape", default="ml1m", help="the shape of the wire-bytes runs")
    p.add_argument("--json", default=os.path.join(ROOT, "docs", "benchmarks", "mpi.json"))
    p.add_argument("--chart", default=os.path.join(ROOT, "docs", "images", "mpi-scaling.svg"))
    p.add_argument("--from-json", action="store_true", help="redo the model, chart and tables from --json, no runs")
    p.add_argument("--spark-python", default=os.path.expanduser(os.environ.get("PEERS", "~/.cache/swiftals-peers")) + "/bin/python",
                   help="a python with pyspark for the Spark MLlib side-by-side run (skipped when it has none)")
    a = p.parse_args()
    os.environ["ALS"] = f"{a.bin}/als"
    if a.from_json:
        with open(a.json) as f:
            res = json.load(f)
    else:
        os.makedirs(a.work, exist_ok=True)
        res = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "command": "bash Benchmarks/mpi/run.sh",
               "iterations": a.iterations, "runs": [], "wire": []}
        big = data(a.bin, a.work, a.shape)
        res["shape"] = dict(zip(("users", "items", "nnz"), header(big)), name=a.shape)
        err = sh([f"{a.bin}/als", "train", big, "--output", "/tmp/swiftals-mpi-model.als"]
                 + train_flags(a.iterations, 2)).stderr
        res["single"] = iteration_seconds(err)
        for np_, threads, exchange in [(1, 2, "allgather"), (2, 1, "allgather"), (2, 1, "alltoall"),
                                       (4, 1, "allgather"), (4, 1, "alltoall")]:
            print(f"mpi: np {np_} {exchange}", file=sys.stderr)
            res["runs"].append(run_mpi(a.bin, shards(a.bin, a.work, big, np_), np_, threads, exchange, a.iterations))
        res["spark"] = spark_side_by_side(a, big)
        small = data(a.bin, a.work, a.wire_shape)
        res["small_shape"] = dict(zip(("users", "items", "nnz"), header(small)), name=a.wire_shape)
        if os.geteuid() == 0:
            for np_ in (2, 4):
                for exchange in ("allgather", "alltoall"):
                    print(f"mpi: wire bytes np {np_} {exchange}", file=sys.stderr)
                    res["wire"].append({"np": np_, "exchange": exchange, "bytes": wire_bytes(a.bin, small, np_, exchange),
                                        "counted": per_iteration(run_mpi(a.bin, small, np_, 1, exchange, 3)["bytes"])})
        os.makedirs(os.path.dirname(a.json), exist_ok=True)
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)
    render(res, a)


def render(res, a):
    s = res["shape"]
    W = work_units(s["nnz"], s["users"], s["items"])
    runs = res["runs"]
    for r in runs:
        r["per_iteration"] = per_iteration(r["seconds"])
        r["comm_per_iteration"] = per_iteration(r["communication"])
    one = runs[0]
    c = (one["per_iteration"] - one["comm_per_iteration"]) * 2 / W  # seconds per unit per core, 2 threads
    two = next(r for r in runs if r["np"] == 2 and r["exchange"] == "allgather")
    bytes_two = (s["users"] + s["items"]) * K * 4 * (2 - 1) / 2
    beta_local = bytes_two / max(two["comm_per_iteration"], 1e-9)
    print(f"\n### Measured on this machine ({s.get('name', '?')} shape: {s['users']} users, {s['items']} items, {s['nnz']} interactions; k = 64, Cholesky)\n")
    print(f"`als train` (2 threads): {per_iteration(res['single']):.2f} s per iteration.\n")
    print("| np | threads a rank | exchange | s / iteration | compute s | communication s | model s | model error | bytes sent by rank 0 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        n = r["np"]
        compute_model = c * W / 2  # however many ranks, they share this machine's 2 cores
        if r["exchange"] == "allgather":
            rows = (s["users"] + s["items"]) * (n - 1) / n
        else:
            rows = (touched_rows(s["users"], s["nnz"] / s["users"], n) + touched_rows(s["items"], s["nnz"] / s["items"], n)) * (n - 1) / n
        comm_model = rows * K * 4 / beta_local if n > 1 else 0
        total_model = compute_model + comm_model
        err = (total_model - r["per_iteration"]) / r["per_iteration"]
        label = f"{n}{' (oversubscribed)' if n * r['threads'] > 2 else ''}"
        print(f"| {label} | {r['threads']} | {r['exchange']} | {r['per_iteration']:.2f} | {r['per_iteration'] - r['comm_per_iteration']:.2f} | "
              f"{r['comm_per_iteration']:.2f} | {total_model:.2f} | {err * 100:+.0f} % | {per_iteration(r['bytes']) / 1e6:.1f} MB |")
    print(f"\nFitted: c = {c:.3e} s per work unit per core (W = {W:.3e} units per iteration); "
          f"shared-memory exchange {beta_local / 1e9:.2f} GB/s (from np 2 allgather).\n")
    sp = res.get("spark")
    if sp:
        it = res["iterations"]
        print(f"### Side by side: Spark MLlib ALS (pyspark {sp['pyspark']}, local[2]) in the same run\n")
        print(f"Same data, k = 64, {it} iterations, Spark's convention for all three (`{sp['flags']}`; Spark: "
              "implicitPrefs, rank 64, regParam 0.1, α 1, data read from CSV and cached before `fit`).\n")
        print("| system | s / iteration | ratio to Spark |")
        print("|---|---|---|")
        spark_it = sp["fit_seconds"] / it
        rows = [("Spark `ALS.fit()`, local[2] (driver JVM peak %.0f MB)" % sp["jvm_peak_mb"], spark_it),
                ("`als train`, 2 threads", per_iteration(sp["single"])),
                ("`mpirun -np 2 als-mpi train`, 1 thread a rank, allgather", per_iteration(sp["np2"]["seconds"]))]
        for name, t in rows:
            print(f"| {name} | {t:.2f} | {spark_it / t:.1f}× faster |" if t != spark_it else f"| {name} | {t:.2f} | 1 |")
        print()
    if res.get("wire"):
        ss = res["small_shape"]
        print(f"### Bytes per rank per iteration on the wire ({ss.get('name', '?')} shape: {ss['users']} users, {ss['items']} items, TCP on a namespace's loopback)\n")
        print("| np | exchange | measured on the wire | counted by als-mpi (rank 0) | formula (allgather) |")
        print("|---|---|---|---|---|")
        for w in res["wire"]:
            f = formula_bytes(ss["users"], ss["items"], w["np"], "allgather")
            print(f"| {w['np']} | {w['exchange']} | {w['bytes'] / 1e6:.3f} MB | {w['counted'] / 1e6:.3f} MB | {f / 1e6:.3f} MB |")
        print()
    # Predictions: 32-core nodes, 25 Gbit/s, 5 us.
    alpha, beta, cores = 5e-6, 25e9 / 8, 32
    cases = [("1B, ML-25M shape", 1e9, 1e9 * 162541 / 25000095, 1e9 * 59047 / 25000095),
             ("10B, ML-25M shape", 1e10, 1e10 * 162541 / 25000095, 1e10 * 59047 / 25000095),
             ("1B, 100M users x 10M items", 1e9, 1e8, 1e7),
             ("10B, 100M users x 10M items", 1e10, 1e8, 1e7)]
    nodes = [8, 16, 32, 64, 128, 256]
    print("### Predicted seconds per iteration (k = 64, 32-core nodes, 25 Gbit/s, 5 µs; compute + communication)\n")
    print("| data | exchange | " + " | ".join(f"{n} nodes" for n in nodes) + " | communication dominates from | factors per node (allgather) |")
    print("|---|---|" + "---|" * len(nodes) + "---|---|")
    series, colors = [], ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]
    predictions = {}
    for (name, nnz, users, items), color in zip(cases, colors):
        for exchange in ("allgather", "alltoall"):
            cells, cross = [], None
            pts = []
            for n in nodes:
                comp, comm = model(nnz, users, items, n, cores, c, alpha, beta, exchange)
                cells.append(f"{comp + comm:.1f} ({comm / (comp + comm) * 100:.0f} % comm)")
                pts.append((n, comp + comm))
                if cross is None and comm > comp:
                    cross = n
            predictions[f"{name} {exchange}"] = pts
            series.append((f"{name}, {exchange}", pts, color, exchange == "alltoall"))
            mem = (users + items) * K * 4 / 2 ** 30
            print(f"| {name} | {exchange} | " + " | ".join(cells) + f" | {cross or '> 256'} | "
                  + (f"{mem:.1f} GiB |" if exchange == "allgather" else "its rows only |"))
    weak = []
    for n in nodes:  # 125M interactions a node, ML-25M shape
        nnz = 125e6 * n
        comp, comm = model(nnz, nnz * 162541 / 25000095, nnz * 59047 / 25000095, n, cores, c, alpha, beta, "allgather")
        weak.append((n, comp + comm))
    series.append(("weak: 125M a node, ML-25M shape, allgather", weak, "#ff7f0e", False))
    print("\nWeak scaling (125M interactions a node, ML-25M shape, allgather): "
          + ", ".join(f"{n} nodes {t:.1f} s" for n, t in weak) + ".\n")
    svg_chart(a.chart, "Predicted seconds per iteration (k = 64, 32-core nodes, 25 Gbit/s, 5 µs)",
              "nodes (strong scaling: fixed data; weak: 125M interactions a node)", "seconds per iteration",
              series, logx=True, logy=True)


if __name__ == "__main__":
    main()
