"""The ``kotan`` command: file commands (no database) and Django's management commands."""

from __future__ import annotations

import os
import sys


def main() -> None:
    from kotan.method.commands import is_file_command

    if is_file_command(sys.argv):
        from kotan.method.commands import main as file_main

        sys.exit(file_main(sys.argv))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
