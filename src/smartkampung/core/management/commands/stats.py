import json

from smartkampung.core.commands import DomainCommand
from smartkampung.core.selectors import database_stats


class Command(DomainCommand):
    help = "Counts of what is in the database; --json prints one JSON object."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, json: bool = False, **options):  # noqa: A002 - the flag is called --json
        stats = database_stats()
        if json:
            self.stdout.write(_dumps(stats))
            return
        for section, values in stats.items():
            if isinstance(values, dict):
                self.stdout.write(f"{section}:")
                for key, value in _flat(values):
                    self.stdout.write(f"  {key:<30} {value:>12,}" if isinstance(value, int) else f"  {key:<30} {value}")
            else:
                self.stdout.write(f"{section:<32} {values:>12,}" if isinstance(values, int) else f"{section:<32} {values}")


def _flat(values: dict, prefix: str = ""):
    """Nested counts (reservations by state, ...) as `reservations.reserved` lines."""
    for key, value in values.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _dumps(value) -> str:
    return json.dumps(value, sort_keys=False, default=str)
