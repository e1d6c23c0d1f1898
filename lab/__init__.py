"""The toolkit that tests/ and bench/ share (not installed with kliping): running the command
against the sample site, a throw-away Postgres, process-tree readings, the fault drills. Tests and
benchmarks import it, never each other."""
