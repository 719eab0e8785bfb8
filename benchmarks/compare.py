"""consent-gate against raw Kafka clients, Quix Streams and Kafka Streams on one broker and the same
pre-produced input; see benchmarks/README.md. Run it through ``benchmarks/compare`` (which sets
up the Quix virtualenv, the Kafka Streams jar and a broker of its own), or directly:

    .venv/bin/python -m benchmarks.compare [--records 200000] [--systems consent-gate,aiokafka]
"""

from __future__ import annotations

import sys
from pathlib import Path

# The benchmarks import their shared code by its plain name (as benchmarks/_common.py is).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gatebench.cli import main

if __name__ == "__main__":
    sys.exit(main())
