"""A pytest plugin (pyproject.toml: addopts ``-p tests.numerics``): the snippet tests run the
pages' code in this process, and the download tests in processes it starts, on the CPU code
paths the build's kernels use (extensions/sitebuild/numerics.py), so that they print the digits
the pages' expected-output blocks hold on any machine. Loaded before anything imports torch."""

from __future__ import annotations

import os

from extensions.sitebuild.numerics import NUMERICS

os.environ.update(NUMERICS)
