"""The loader benchmark's peer: pandas.read_csv, then scipy.sparse.csr_matrix (and, for
reference, .tocsc()) on the same CSV. Prints one line of timings in seconds, measured inside the
process like `als inspect --timing` (interpreter start-up and imports are not counted)."""
import sys
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp

path = sys.argv[1]
t0 = time.perf_counter()
frame = pd.read_csv(path)
t1 = time.perf_counter()
csr = sp.csr_matrix((frame["rating"].to_numpy(np.float32),
                     (frame["user"].to_numpy(), frame["item"].to_numpy())))
t2 = time.perf_counter()
csc = csr.tocsc()
t3 = time.perf_counter()
print(f"read_csv {t1 - t0:.3f} csr_matrix {t2 - t1:.3f} tocsc {t3 - t2:.3f} "
      f"read_csv+csr {t2 - t0:.3f} read_csv+csr+csc {t3 - t0:.3f} nnz {csr.nnz} shape {csr.shape[0]}x{csr.shape[1]}")
