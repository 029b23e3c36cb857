"""What the benchmark scripts share: running a command, reading `/usr/bin/time -v` and
`als train` output, and replacing a generated block of BENCHMARKS.md."""
import json
import math
import os
import re
import statistics
import subprocess


def sh(cmd, **kw):
    """Runs `cmd`, raising on a non-zero exit; stdout and stderr are captured as text."""
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def wall_seconds(time_stderr):
    """/usr/bin/time -v's elapsed wall clock ("h:mm:ss" or "m:ss.ss") in seconds."""
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", time_stderr)
    parts = [float(x) for x in m.group(1).split(":")] if m else [float("nan")]
    return sum(v * 60 ** i for i, v in enumerate(reversed(parts)))


def peak_rss_mb(time_stderr):
    """/usr/bin/time -v's maximum resident set size in MiB."""
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", time_stderr)
    return int(m.group(1)) / 1024 if m else float("nan")


def iteration_seconds(train_stderr):
    """The seconds of every iteration from `als train`'s progress lines."""
    return [float(x) for x in re.findall(r"iteration\s+\d+/\d+\s+loss \S+\s+([0-9.]+) s", train_stderr)]


def spark_fit(python, csv, factors, iterations, threads, regularization=0.1, alpha=1.0):
    """Spark MLlib implicit ALS on `csv` (h2h.py's spark-train, run by `python`, which needs
    pyspark, under /usr/bin/time -v): its JSON {"fit": seconds, "jvm_peak_mb": MB} and the time
    report (stderr). Raises subprocess.CalledProcessError when the run fails."""
    h2h = os.path.join(os.path.dirname(os.path.abspath(__file__)), "head_to_head", "h2h.py")
    r = sh(["/usr/bin/time", "-v", python, h2h, "spark-train", "--npz", csv, "--factors", str(factors),
            "--iterations", str(iterations), "--regularization", str(regularization), "--alpha", str(alpha),
            "--threads", str(threads)])
    return json.loads(r.stdout.strip().splitlines()[-1]), r.stderr


def elapsed_seconds(train_stderr):
    """`als train`'s elapsed seconds at its last progress line (the whole fit)."""
    return float(re.findall(r"\(elapsed ([0-9.]+) s\)", train_stderr)[-1])


def openblas_core(train_stderr):
    """The OpenBLAS core `als train` reports (`openblas_get_corename`), or "?"."""
    m = re.search(r"OpenBLAS core: ([^,\s]+)", train_stderr)
    return m.group(1) if m else "?"


def per_iteration(times):
    """Median seconds per iteration over iterations 2…N: the first pays for page faults of fresh
    arrays, on every side."""
    return statistics.median(times[1:] if len(times) > 2 else times)


def replace_block(path, name, block, heading):
    """Replaces `<!-- NAME:begin -->` … `<!-- NAME:end -->` of `path` with `block` (which holds
    both markers), or appends it under `heading` when the file has none yet."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    md = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    if begin in md and end in md:
        md = md[:md.index(begin)] + block + md[md.index(end) + len(end):]
    else:
        md = md.rstrip() + f"\n\n## {heading}\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(md)


def nice_ticks(hi, count=5):
    """Round tick values 0, step, 2·step, … covering [0, hi], step 1, 2 or 5 × 10^n."""
    raw = hi / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    return [i * step for i in range(int(math.ceil(hi / step - 1e-9)) + 1)]


def svg_chart(path, title, xlabel, ylabel, series, logx=False, fits=(), logy=False):
    """A line chart as SVG: axes with ticks, labels, a legend; series = [(name, [(x, y)], color)]
    or [(name, [(x, y)], color, dashed)]. `logx` puts ticks at the data's x values, `logy` at
    powers of ten."""
    series = [tuple(s) + (False,) * (4 - len(s)) for s in series]
    W, H, L, R, T, B = 720, 440, 80, 20, 40, 60
    xs = [x for _, pts, _, _ in series for x, _ in pts]
    ys = [y for _, pts, _, _ in series for _, y in pts]
    fx = (lambda v: math.log2(v)) if logx else (lambda v: v)
    fy = (lambda v: math.log10(v)) if logy else (lambda v: v)
    xticks = sorted(set(xs)) if logx else nice_ticks(max(xs))
    if logy:
        yticks = [10.0 ** e for e in range(math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys))) + 1)]
    else:
        yticks = nice_ticks(max(ys))
    x0, x1 = (fx(min(xs)), fx(max(xs))) if logx else (0.0, xticks[-1])
    y0, y1 = (fy(yticks[0]), fy(yticks[-1])) if logy else (0.0, yticks[-1])
    px = lambda v: L + (fx(v) - x0) / ((x1 - x0) or 1) * (W - L - R)
    py = lambda v: H - B - (fy(v) - y0) / ((y1 - y0) or 1) * (H - T - B)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
           'font-family="DejaVu Sans, Helvetica, Arial, sans-serif">', f'<rect width="{W}" height="{H}" fill="#fff"/>',
           f'<text x="{W / 2}" y="22" font-size="15" text-anchor="middle" font-weight="bold">{title}</text>']
    for v in xticks:
        label = f"{v:g}" if logx else (f"{v / 1e6:g}M" if max(xs) >= 1e6 else f"{v:g}")
        out += [f'<line x1="{px(v):.1f}" y1="{T}" x2="{px(v):.1f}" y2="{H - B}" stroke="#e5e5e5"/>',
                f'<text x="{px(v):.1f}" y="{H - B + 18}" font-size="11" text-anchor="middle">{label}</text>']
    for v in yticks:
        out += [f'<line x1="{L}" y1="{py(v):.1f}" x2="{W - R}" y2="{py(v):.1f}" stroke="#e5e5e5"/>',
                f'<text x="{L - 6}" y="{py(v) + 4:.1f}" font-size="11" text-anchor="end">{v:g}</text>']
    out += [f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="#333"/>',
            f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="#333"/>',
            f'<text x="{(L + W - R) / 2}" y="{H - 18}" font-size="12" text-anchor="middle">{xlabel}</text>',
            f'<text x="18" y="{(T + H - B) / 2}" font-size="12" text-anchor="middle" '
            f'transform="rotate(-90 18 {(T + H - B) / 2})">{ylabel}</text>']
    for slope, icept, color in fits:  # least-squares lines, dashed, over the data's x range
        xa, xb = min(xs), max(xs)
        out.append(f'<line x1="{px(xa):.1f}" y1="{py(icept + slope * xa):.1f}" x2="{px(xb):.1f}" '
                   f'y2="{py(icept + slope * xb):.1f}" stroke="{color}" stroke-width="1" stroke-dasharray="5 4"/>')
    for j, (name, pts, color, dashed) in enumerate(series):
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        d = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
        out.append(f'<polyline points="{d}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        out += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3.5" fill="{color}"/>' for x, y in pts]
        ly = T + 12 + 18 * j
        out += [f'<line x1="{L + 14}" y1="{ly}" x2="{L + 40}" y2="{ly}" stroke="{color}" stroke-width="2"{dash}/>',
                f'<text x="{L + 46}" y="{ly + 4}" font-size="12">{name}</text>']
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
