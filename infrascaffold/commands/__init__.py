"""One module per CLI command, each with a `run(...)` function returning an exit code."""
