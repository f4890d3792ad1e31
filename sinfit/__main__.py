"""Run the lesson's experiment: ``python -m sinfit --help``."""

import sys

from sinfit.cli import main

sys.exit(main())
