"""python -m vizlab: the command line."""

import sys

from vizlab.cli import main

sys.exit(main())
