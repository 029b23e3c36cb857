"""What the benchmark scripts share: running a command, reading `/usr/bin/time -v` and
`als train` output, and replacing a generated block of BENCHMARKS.md."""
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
