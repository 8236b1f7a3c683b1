import datetime as dt
import json

from smartkampung.core.audit import Actor
from smartkampung.core.commands import DomainCommand, bad_input
from smartkampung.programmes.models import RunProgrammeStat
from smartkampung.programmes.services import targeting_run

KINDS = ("exclusion", "not_eligible", "deceased", "duplicate", "unknown_nik")


class Command(DomainCommand):
    help = "A targeting run over the whole registry: eligible, recipients and every kind of error per programme."

    def add_arguments(self, parser):
        parser.add_argument("--programme", action="append", help="only this programme code (repeatable)")
        parser.add_argument("--as-of", help="the date the run is for (YYYY-MM-DD; default today)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, programme=None, as_of=None, json: bool = False, **options):  # noqa: A002
        try:
            as_of_date = dt.date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise bad_input(f"--as-of must be a date YYYY-MM-DD (got {as_of!r})") from None
        run = targeting_run(actor=Actor.system("target"), as_of=as_of_date, codes=programme,
                            progress=None if json else lambda step: self.stderr.write(f"  {step}…"))
        stats = RunProgrammeStat.objects.filter(run=run).select_related("programme").order_by("programme__code")
        result = {
            "run": run.pk, "as_of": run.as_of.isoformat(), "seconds": run.seconds,
            "programmes": {
                s.programme.code: {"eligible": s.eligible, "recipients": s.recipients, "eligible_receiving": s.eligible_receiving,
                                   **{k: getattr(s, k) for k in KINDS}}
                for s in stats
            },
        }
        if json:
            self.stdout.write(_dumps(result))
            return
        self.stdout.write(f"Targeting run {run.pk} as of {run.as_of} in {run.seconds:.1f} s")
        header = f"{'programme':<15}{'eligible':>10}{'receiving':>11}{'covered':>9}" + "".join(f"{k:>14}" for k in KINDS)
        self.stdout.write(header)
        for code, r in result["programmes"].items():
            self.stdout.write(f"{code:<15}{r['eligible']:>10,}{r['recipients']:>11,}{r['eligible_receiving']:>9,}" + "".join(f"{r[k]:>14,}" for k in KINDS))


def _dumps(value) -> str:
    return json.dumps(value)
