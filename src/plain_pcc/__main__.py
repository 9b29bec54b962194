"""``python -m plain_pcc``: the same as the ``plain-pcc`` command."""

from .cli import main

raise SystemExit(main())
