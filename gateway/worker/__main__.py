"""``python -m sparkwire.gateway.worker``: one session process (see main.py)."""

import sys

from .main import main

sys.exit(main())
