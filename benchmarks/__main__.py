"""`python -m benchmarks`: run the benchmarks and print the markdown table (see `run.py`)."""

import sys

from benchmarks.run import main

sys.exit(main())
