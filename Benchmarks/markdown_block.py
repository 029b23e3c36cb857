"""Replaces a generated block of BENCHMARKS.md, shared by the benchmark scripts.

A block runs from `<!-- NAME:begin -->` to `<!-- NAME:end -->` (both included in `block`); when
the file has none yet, it is appended under `heading`.
"""
import os


def replace_block(path, name, block, heading):
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    md = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    if begin in md and end in md:
        md = md[:md.index(begin)] + block + md[md.index(end) + len(end):]
    else:
        md = md.rstrip() + f"\n\n## {heading}\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(md)
