"""The `minzu-archive` command line: the top floor, built on archive/, crawler/, exports/ and sitemodel/.

Nothing below imports it. Each subcommand is a thin shell over one library call (see cli/commands/).
"""
