#!/usr/bin/env python
"""Django's manage.py, for habit; `capmap` is the same thing."""

from capmap.cli import main

if __name__ == "__main__":
    main()
