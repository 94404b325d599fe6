"""The ``timdesk`` console script: the same command line as the Rust binary."""
from __future__ import annotations

import sys

from . import _native


def main() -> None:
    """Runs ``timdesk`` with ``sys.argv`` and exits with its code."""
    sys.stdout.flush()
    try:
        code = _native.run_cli(["timdesk", *sys.argv[1:]])
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)


if __name__ == "__main__":
    main()
