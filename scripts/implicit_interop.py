#!/usr/bin/env python3
"""Checks that a model exported by SwiftALS loads in Python implicit and ranks like SwiftALS.

    python scripts/implicit_interop.py [DIR]

DIR (default: $ALS_INTEROP_DIR, else .build-serve/interop) holds what the Swift test
`ModelFileInteropTests` writes when ALS_INTEROP_DIR is set: `model.npz` (ALSModel.exportNPZ) and
`top10.json` (our top-10 for 100 users, the seen items as CSR, and the shape). When they are
missing and `swift` is on the PATH, the script runs that test to produce them.

It loads the archive with implicit's own `AlternatingLeastSquares.load`, asks implicit for the
top-10 of the same users with their seen items filtered, and compares item ids exactly and
scores to 1e-4 (implicit's BLAS sums in another order than our canonical dot product).

Exit status: 0 on a match, 1 on a mismatch. When Python packages (numpy, scipy, implicit) or the
Swift toolchain are missing it prints "skipped: ..." and exits 0, so CI without them stays green.
"""
import json
import os
import shutil
import subprocess
import sys


def skip(reason):
    print(f"skipped: {reason}")
    sys.exit(0)


def produce(directory):
    """Runs the Swift test that writes model.npz and top10.json into `directory`."""
    if shutil.which("swift") is None:
        skip(f"no exported model in {directory} and no swift toolchain to produce one")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, ALS_INTEROP_DIR=os.path.abspath(directory))
    result = subprocess.run(
        ["swift", "test", "--scratch-path", ".build-serve", "--filter", "ModelFileInteropTests"],
        cwd=root, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stdout[-4000:], result.stderr[-4000:], sep="\n")
        print("error: the Swift export test failed")
        sys.exit(1)


def main():
    try:
        import numpy as np
        import scipy.sparse
        from implicit.cpu.als import AlternatingLeastSquares
        import implicit
    except ImportError as error:
        skip(f"python packages unavailable ({error})")

    directory = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ALS_INTEROP_DIR", ".build-serve/interop")
    os.makedirs(directory, exist_ok=True)
    expected_path = os.path.join(directory, "top10.json")
    if not os.path.exists(expected_path) or not os.path.exists(os.path.join(directory, "model.npz")):
        produce(directory)
    with open(expected_path) as f:
        expected = json.load(f)

    model = AlternatingLeastSquares.load(os.path.join(directory, expected["npz"]))
    users, items = expected["shape"]
    seen = scipy.sparse.csr_matrix(
        (np.ones(len(expected["seenIndices"]), dtype=np.float32),
         np.array(expected["seenIndices"]), np.array(expected["seenIndptr"])),
        shape=(users, items))
    userids = np.array(expected["users"])
    ids, scores = model.recommend(userids, seen[userids], N=10, filter_already_liked_items=True)

    ours_ids = np.array(expected["top10"])
    ours_scores = np.array(expected["scores"], dtype=np.float64)
    worst = float(np.max(np.abs(scores - ours_scores)))
    mismatched = [int(u) for u, a, b in zip(userids, ids, ours_ids) if not np.array_equal(a, b)]
    print(f"implicit {implicit.__version__}: loaded {model.user_factors.shape[0]} users × "
          f"{model.item_factors.shape[0]} items × {model.factors} factors")
    if mismatched or worst > 1e-4:
        print(f"mismatch: {len(mismatched)} of {len(userids)} users rank differently "
              f"(first: {mismatched[:5]}); max |score difference| {worst:.3g}")
        sys.exit(1)
    print(f"match: top-10 of {len(userids)} users identical; max |score difference| {worst:.3g}")


if __name__ == "__main__":
    main()
