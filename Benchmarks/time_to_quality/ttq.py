#!/usr/bin/env python3
"""Time to quality on Gowalla: wall-clock seconds of training until validation Recall@20 first
reaches TARGET, for SwiftALS and for implicit 0.7.3, on one per-user 80/20 validation split of
Gowalla train (the test file is never read). Run by run.sh, which makes the split and the venv.

Recall@20 is METRICS.md's (hits in the top 20 over the number held out; training items left
out), computed by `als evaluate` for SwiftALS and by `recall_at` below for implicit.

SwiftALS: training is deterministic for a seed, so the model after i iterations is the one a run
of i iterations writes. One run of N iterations gives each iteration's seconds; then runs of
1, 2, 4, … iterations are scored until one reaches TARGET, and a bisection between the last two
finds the first iteration that does. The time reported is the sum of the iteration seconds up to
that one (training only, as for implicit; loading and scoring are not counted).

implicit: `fit` keeps its factors between calls, so one iteration per call continues training;
each call is timed, and the model is scored between calls (scoring not counted).
"""
import argparse, json, os, sys, time

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from benchlib import iteration_seconds, openblas_core, sh  # noqa: E402


def recall_at(U, V, train, test, k=20, chunk=2048):
    """Mean over users with held-out items of |top-k ∩ held out| / |held out|."""
    total, n = 0.0, 0
    for start in range(0, train.shape[0], chunk):
        stop = min(train.shape[0], start + chunk)
        s = U[start:stop] @ V.T
        for r in range(stop - start):
            u = start + r
            t = test.indices[test.indptr[u]:test.indptr[u + 1]]
            if len(t) == 0:
                continue
            row = s[r]
            row[train.indices[train.indptr[u]:train.indptr[u + 1]]] = -np.inf
            top = np.argpartition(-row, k)[:k]
            total += np.isin(top, t).sum() / len(t)
            n += 1
    return total / n


def ours(args):
    base = [args.als, "train", args.train, "--threads", str(args.threads), "--no-loss"] + args.flags.split()
    r = sh(base + ["--iterations", str(args.iterations), "--output", os.path.join(args.work, "m.als")])
    seconds = iteration_seconds(r.stderr)
    core = openblas_core(r.stderr)
    scored = {}

    def score(i):
        if i not in scored:
            model = os.path.join(args.work, f"m{i}.als")
            sh(base + ["--iterations", str(i), "--output", model])
            e = sh([args.als, "evaluate", model, "--train", args.train, "--test", args.test, "--k", "20",
                    "--allow-unknown", "--format", "json", "--quiet"])
            scored[i] = json.loads(e.stdout)["metrics"]["recall@20"]
            os.remove(model)
            print(f"ttq: SwiftALS {args.flags}: iteration {i}, {sum(seconds[:i]):.1f} s, recall@20 {scored[i]:.4f}",
                  file=sys.stderr)
        return scored[i]

    # Doubling until the target is reached, then bisection for the first iteration that reaches
    # it (assumes the figure, once at the target, stays there until the next scored point).
    lo, hi, i = 0, None, 1
    while i <= args.iterations:
        if score(i) >= args.target:
            hi = i
            break
        lo = i
        i = i * 2 if i * 2 <= args.iterations or i == args.iterations else args.iterations
    while hi is not None and hi - lo > 1:
        mid = (lo + hi) // 2
        if score(mid) >= args.target:
            hi = mid
        else:
            lo = mid
    curve = [(i, sum(seconds[:i]), v) for i, v in sorted(scored.items())]
    return {"system": "SwiftALS", "setting": args.flags, "curve": curve, "blas": core, "first": hi}


def peer(args):
    from threadpoolctl import threadpool_info, threadpool_limits
    from implicit.cpu.als import AlternatingLeastSquares
    tr = np.loadtxt(args.train, dtype=np.int64, usecols=(0, 1))
    te = np.loadtxt(args.test, dtype=np.int64, usecols=(0, 1))
    users = int(max(tr[:, 0].max(), te[:, 0].max())) + 1
    items = int(max(tr[:, 1].max(), te[:, 1].max())) + 1
    train = sp.csr_matrix((np.ones(len(tr), np.float32), (tr[:, 0], tr[:, 1])), shape=(users, items))
    test = sp.csr_matrix((np.ones(len(te), np.float32), (te[:, 0], te[:, 1])), shape=(users, items))
    setting = dict(factors=args.factors, regularization=args.regularization, alpha=args.alpha, use_cg=args.solver == "cg")
    curve, spent = [], 0.0
    model = AlternatingLeastSquares(iterations=1, calculate_training_loss=False, num_threads=args.threads,
                                    random_state=42, **setting)
    for i in range(1, args.iterations + 1):
        # One BLAS thread while implicit trains, as it asks; scoring (not timed) uses every core.
        with threadpool_limits(1, "blas"):
            t0 = time.perf_counter()
            model.fit(train, show_progress=False)
            spent += time.perf_counter() - t0
        v = recall_at(model.user_factors, model.item_factors, train, test)
        curve.append((i, spent, v))
        print(f"ttq: implicit {setting}: iteration {i}, {spent:.1f} s, recall@20 {v:.4f}", file=sys.stderr)
        if v >= args.target or spent > args.limit:
            break
    blas = [d.get("architecture") for d in threadpool_info() if d.get("user_api") == "blas"]
    return {"system": "implicit 0.7.3", "setting": setting, "curve": curve, "blas": ",".join(blas)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("side", choices=["ours", "implicit"])
    p.add_argument("--als")
    p.add_argument("--train", required=True)
    p.add_argument("--test", required=True)
    p.add_argument("--work", default="/tmp/swiftals-ttq")
    p.add_argument("--target", type=float, default=0.20)
    p.add_argument("--iterations", type=int, default=15)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--limit", type=float, default=1800, help="implicit: stop after this many training seconds")
    p.add_argument("--flags", default="", help="ours: the training flags")
    p.add_argument("--factors", type=int, default=512)
    p.add_argument("--regularization", type=float, default=1.0)
    p.add_argument("--alpha", type=float, default=10.0)
    p.add_argument("--solver", default="cg")
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    print(json.dumps(ours(args) if args.side == "ours" else peer(args)))


if __name__ == "__main__":
    main()
