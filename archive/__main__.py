"""`python -m archive` is the same as the `minzu-archive` command."""

from archive.cli import main

if __name__ == "__main__":
    main()
