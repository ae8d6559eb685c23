"""Run the CLI with ``python -m hostcity``."""

import sys

from hostcity.cli.main import main

sys.exit(main())
