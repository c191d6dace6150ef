"""`python -m tanya_sumsel …`: the command line."""

import sys

from tanya_sumsel.app.cli import main

sys.exit(main())
