"""Writes the codebook fixtures the lc tests read, with NumPy as an independent .npy writer.

Run from this directory: python3 make_fixtures.py
"""
import numpy as np

# 3 codes of width 2: (0, 0), (1, 0), (0, 2); float64 in Fortran order exercises the reader's
# conversion to float32 and its column-major path.
codebook = np.asfortranarray(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]], dtype=np.float64))
np.save("k3_d2_float64_fortran.npy", codebook)

# 4 codes of width 3, float32 C order.
np.save("k4_d3_float32.npy", np.arange(12, dtype=np.float32).reshape(4, 3) / 4)
