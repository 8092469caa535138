#!/usr/bin/env python
"""Django's usual entry point; `netweave` (netweave/cli.py) does the same with extra commands."""

from netweave.cli import main

if __name__ == "__main__":
    main()
