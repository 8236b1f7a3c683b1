import datetime as dt
import json
from pathlib import Path

from smartkampung.core.audit import Actor
from smartkampung.core.commands import DomainCommand, bad_input
from smartkampung.isolation.affected import affected_import
from smartkampung.isolation.services import monitoring_sweep, puskesmas_load


class Command(DomainCommand):
    help = ("Isolation houses: `sweep [--date D]` (the nightly job: missed daily checks raise cases, 14-day stays complete, "
            "no-shows give their beds back), `load-puskesmas`, `import-affected PATH` (CSV of affected residents).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sweep = sub.add_parser("sweep", help="the nightly monitoring sweep for one day (default yesterday)")
        sweep.add_argument("--date", help="the day to sweep (YYYY-MM-DD)")
        sweep.add_argument("--json", action="store_true")
        sub.add_parser("load-puskesmas", help="make sure every kecamatan has its Puskesmas (idempotent)")
        imp = sub.add_parser("import-affected", help="import a CSV of affected residents; prints the outcome per row kind")
        imp.add_argument("path")
        imp.add_argument("--json", action="store_true")

    def handle(self, *args, action, **options):
        if action == "sweep":
            day = None
            if options.get("date"):
                try:
                    day = dt.date.fromisoformat(options["date"])
                except ValueError:
                    raise bad_input(f"--date must be a date YYYY-MM-DD (got {options['date']!r})") from None
            result = monitoring_sweep(actor=Actor.system("isolation-sweep"), day=day)
            summary = {"day": result.day.isoformat(), "missed": result.missed, "raised": result.raised, "raise_failed": result.raise_failed,
                       "completed": result.completed, "no_show": result.no_show}
            if options.get("json"):
                self.stdout.write(json.dumps(summary))
            else:
                self.stdout.write(f"Sweep of {summary['day']}: {result.missed} missed checks, {result.raised} cases raised for the day, "
                                  f"{result.raise_failed} alerts still without a case, {result.completed} stays completed, {result.no_show} no-shows")
        elif action == "load-puskesmas":
            created = puskesmas_load(actor=Actor.system("isolation"))
            self.stdout.write(f"{created} Puskesmas added")
        elif action == "import-affected":
            path = Path(options["path"])
            if not path.is_file():
                raise bad_input(f"No file {path}")
            batch = affected_import(actor=Actor.system("isolation-import"), filename=path.name, content=path.read_bytes())
            summary = {"batch": batch.pk, "rows": batch.rows, "created": batch.created, "duplicates": batch.duplicates, "errors": batch.errors}
            if options.get("json"):
                self.stdout.write(json.dumps(summary))
            else:
                self.stdout.write(f"Import {batch.pk}: {batch.rows} rows, {batch.created} recorded, {batch.duplicates} already recorded, {batch.errors} refused")
