"""`python -m archive` stays an alias of the `minzu-archive` command.

This entry point is the one module of archive/ allowed to reach the command line above it: it is run,
never imported, so the library itself keeps pointing one way (tests/test_layers.py exempts only this file).
"""

from cli.main import main

if __name__ == "__main__":
    main()
