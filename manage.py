#!/usr/bin/env python
import os
import sys

from config.dotenv import read_dotenv


def main() -> None:
    read_dotenv()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
