"""The project's benchmark harness; see benchmarks/README.md. Run it through ``benchmarks/compare``
(which sets up the peers' virtualenvs, the Kafka Streams jar and a broker of its own), or directly:

    .venv/bin/python -m benchmarks.compare [peers] [--records 200000] [--systems consent-gate,...]
    .venv/bin/python -m benchmarks.compare core [--records 100000]    # no Kafka
    .venv/bin/python -m benchmarks.compare import [--rows 1000000]
"""

from __future__ import annotations

import sys
from pathlib import Path

# The harness imports its package by its plain name (gatebench), as mypy_path does.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gatebench.cli import main

if __name__ == "__main__":
    sys.exit(main())
