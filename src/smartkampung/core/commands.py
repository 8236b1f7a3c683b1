"""A base for our management commands: bad input exits 2 with a one-line reason, no traceback."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from .errors import DomainError


class DomainCommand(BaseCommand):
    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except DomainError as error:
            where = f" ({error.field})" if error.field else ""
            raise CommandError(f"{error.message}{where}", returncode=2) from None


def bad_input(message: str) -> CommandError:
    return CommandError(message, returncode=2)
