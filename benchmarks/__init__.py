"""Speed and scale scripts; run them from the repository root (see README.md)."""
