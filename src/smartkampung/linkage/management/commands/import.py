"""`smartkampung import PATH --programme CODE [--map column=field]`: stage an agency list (CSV or XLSX)."""

import datetime as dt
from pathlib import Path

from smartkampung.core.audit import Actor
from smartkampung.core.commands import DomainCommand, bad_input
from smartkampung.linkage import reading, services

from ._summary import print_summary


class Command(DomainCommand):
    help = "Stage an agency beneficiary list (CSV or XLSX) for a programme: every row with its outcome and reasons. Re-running the same file changes nothing; an interrupted import resumes."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--programme", required=True, help="programme code, e.g. PKH")
        parser.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD", help=f"use COLUMN for FIELD ({', '.join(reading.FIELDS)}); repeatable")
        parser.add_argument("--starts-on", help="start date of the enrolments this list feeds (YYYY-MM-DD; default today)")
        parser.add_argument("--link", action="store_true", help="link the rows to the registry right after staging")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, path, programme, map, starts_on=None, link=False, no_progress=False, **options):  # noqa: A002
        try:
            starts = dt.date.fromisoformat(starts_on) if starts_on else None
        except ValueError:
            raise bad_input(f"--starts-on must be a date YYYY-MM-DD (got {starts_on!r})") from None
        actor = Actor.system("import")
        bar = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if no_progress:
                return
            if bar is None:
                from tqdm import tqdm

                bar = tqdm(total=total, unit="rows", desc="staging", file=self.stderr, initial=done)
            bar.update(done - bar.n)

        try:
            result = services.import_file(actor=actor, path=Path(path), programme_code=programme, overrides=reading.parse_overrides(map),
                                          starts_on=starts, progress=progress)
        finally:
            if bar is not None:
                bar.close()
        batch = result.batch
        if result.already:
            self.stdout.write(f"Already imported as import {batch.pk} ({batch.get_status_display()}, {batch.rows_committed:,} rows): nothing changed.")
        else:
            self.stdout.write(f"Import {batch.pk}: {batch.rows_committed:,} rows staged — {batch.rows_valid:,} valid, "
                              f"{batch.rows_flagged:,} with notes, {batch.rows_invalid:,} not linkable.")
        if link and batch.status == "staged":
            run = services.link_run(actor=actor, batch=batch, include_registry=False, progress=None if no_progress else lambda s: self.stderr.write(f"  {s}…"))
            print_summary(self, run)

