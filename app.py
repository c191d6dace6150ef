"""Start the Tanya Sumsel chat UI on the bundled corpus (builds the index on first start)."""

from tanya_sumsel.settings import Settings
from tanya_sumsel.ui import launch

if __name__ == "__main__":
    launch(Settings.from_env())
