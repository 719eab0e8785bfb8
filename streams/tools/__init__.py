"""Operator tools run from the CLI: bulk import, segment export, dead-letter replay."""
