"""Test and demo tooling, not shipped in the package: the local broker (`scripts/kafka-local`
from Python), a worker as a process with an output collector, and the demo (`scripts/demo`)."""
