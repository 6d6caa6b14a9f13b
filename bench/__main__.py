"""`python -m bench`: build data, serve, measure, report (see bench/run.py)."""

from bench.run import main

if __name__ == "__main__":
    main()
