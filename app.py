"""Start the Tanya Sumsel chat UI on the bundled corpus (builds the index on first start), from any folder."""

import os
import sys
from pathlib import Path

from tanya_sumsel.app.cli import main

if __name__ == "__main__":
    # This project's folder is the home (corpus/ and index/ beside this file) unless TANYA_HOME says otherwise.
    home = os.environ.get("TANYA_HOME") or str(Path(__file__).resolve().parent)
    sys.exit(main(["serve", "--home", home, *sys.argv[1:]]))
