"""The fuzz run: malformed input interleaved with valid traffic, against the real worker."""
