"""``python -m bench``: the benchmark suite (bench/run.py; bench/README.md explains the method)."""

from bench.run import main

raise SystemExit(main())
