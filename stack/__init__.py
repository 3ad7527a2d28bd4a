"""Starting, watching and stopping the servers: `python -m stack run|shell` (make run, make shell),
reused by the tests and the benchmark."""
