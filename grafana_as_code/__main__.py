"""Command line: ``python -m grafana_as_code <command>``."""
from .cli import main

raise SystemExit(main())
