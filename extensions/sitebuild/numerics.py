"""The CPU code paths the pages' numbers come from, the same on every machine that builds them.

torch and MKL choose their vector instructions by the CPU they run on, and a float32 sum
rounds differently with AVX-512 than with AVX2: one page printed one last digit differently on
two machines, and LBFGS took one more iteration. Every x86-64 machine of the last decade has
AVX2: pinned to it, the build's kernels and the snippet tests print the same digits on all of
them (elsewhere, e.g. on ARM, these variables do nothing). Readers running a download on their
own machine may see other last digits; the pages' claims do not depend on them.
"""

from __future__ import annotations

NUMERICS: dict[str, str] = {
    # torch's own kernels (its dispatch reads this at the first operation)
    "ATEN_CPU_CAPABILITY": "avx2",
    # MKL's BLAS and LAPACK (matrix products, lstsq, eigvalsh): conditional numerical
    # reproducibility on its one branch that gives the same results on Intel and AMD alike
    # (MKL's other branches run only on Intel CPUs and fall back to AUTO elsewhere), whatever
    # the data's alignment. It is the slowest branch; the pages' matrices are 1000 x 4.
    "MKL_CBWR": "COMPATIBLE,STRICT",
    # oneDNN, which torch uses for some CPU operations
    "ONEDNN_MAX_CPU_ISA": "AVX2",
}
