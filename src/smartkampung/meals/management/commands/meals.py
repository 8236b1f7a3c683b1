"""`smartkampung meals assign|rounds`: the Rantang Kasih assignment and the day's rounds."""

import datetime as dt
import json

from django.utils import timezone

from smartkampung.core.audit import Actor
from smartkampung.core.commands import DomainCommand, bad_input
from smartkampung.meals import services
from smartkampung.meals.models import Unserved


class Command(DomainCommand):
    help = "Rantang Kasih: `assign` recipients to providers (proven optimal), plan the day's `rounds`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        assign = sub.add_parser("assign", help="sync recipients from the enrolments, then assign each to one provider")
        assign.add_argument("--max-km", type=float, default=services.DEFAULT_MAX_M / 1000, help="maximum road distance (km)")
        assign.add_argument("--stability-m", type=int, default=services.DEFAULT_STABILITY_BONUS_M,
                            help="keep a recipient's provider unless moving saves more than this many metres")
        assign.add_argument("--k", type=int, default=services.solver.DEFAULT_K, help="nearest providers per recipient before the proof")
        assign.add_argument("--json", action="store_true")
        rounds = sub.add_parser("rounds", help="plan every provider's round for a day")
        rounds.add_argument("--date", help="YYYY-MM-DD (default today)")
        rounds.add_argument("--json", action="store_true")

    def handle(self, *args, action: str, **options):
        if action == "assign":
            return self._assign(**options)
        return self._rounds(**options)

    def _assign(self, *, max_km: float, stability_m: int, k: int, json: bool = False, **_):  # noqa: A002
        if max_km <= 0:
            raise bad_input("--max-km must be more than zero")
        actor = Actor.system("meals assign")
        synced = services.recipients_sync(actor=actor)
        run = services.assignment_run(actor=actor, max_m=round(max_km * 1000), stability_bonus_m=stability_m, k=k)
        by_village: dict[str, dict] = {}
        for row in Unserved.objects.filter(run=run).select_related("village"):
            entry = by_village.setdefault(row.village.code, {"village": row.village.name, "no_provider_near": 0, "all_full": 0, "no_location": 0})
            entry[row.reason] += 1
        result = {
            "run": run.pk, "recipients": run.recipients, "assigned": run.assigned, "unassigned": run.unassigned,
            "total_km": round(run.total_m / 1000, 3), "proven_optimal": run.proven_optimal, "proof": run.proof,
            "kept": run.kept, "moved": run.moved, "newly_assigned": run.newly_assigned, "synced": synced, "seconds": run.seconds,
            "unassigned_by_village": by_village,
        }
        if json:
            self.stdout.write(_dumps(result))
            return
        self.stdout.write(f"Assignment {run.pk}: {run.assigned:,} of {run.recipients:,} recipients assigned, total distance {result['total_km']:,.1f} km")
        self.stdout.write(f"  proven optimal: {'yes' if run.proven_optimal else 'NO'} ({run.proof})")
        self.stdout.write(f"  kept {run.kept:,}, moved {run.moved:,}, newly assigned {run.newly_assigned:,}; "
                          f"recipients synced: +{synced['created']:,} new, {synced['ended']:,} ended; {run.seconds:.2f} s")
        self.stdout.write(f"  unassigned: {run.unassigned:,}")
        for code, entry in sorted(by_village.items()):
            self.stdout.write(f"    {code} {entry['village']}: no provider near {entry['no_provider_near']}, all full {entry['all_full']}, "
                              f"no delivery point {entry['no_location']}")

    def _rounds(self, *, date: str | None, json: bool = False, **_):  # noqa: A002
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise bad_input(f"--date must be a date YYYY-MM-DD (got {date!r})") from None
        summary = services.rounds_plan(actor=Actor.system("meals rounds"), date=day)
        result = {"date": day.isoformat(), "rounds": summary.rounds, "stops": summary.stops, "late": summary.late,
                  "kept": summary.kept, "total_km": round(summary.distance_m / 1000, 3), "seconds": summary.seconds}
        if json:
            self.stdout.write(_dumps(result))
            return
        self.stdout.write(f"Rounds for {day}: {summary.rounds:,} rounds, {summary.stops:,} stops, {result['total_km']:,.1f} km in {summary.seconds:.1f} s")
        self.stdout.write(f"  stops that cannot be served before {services.DEFAULT_DEADLINE:%H:%M}: {summary.late:,}"
                          + (f"; {summary.kept} rounds kept (deliveries already marked)" if summary.kept else ""))


def _dumps(value) -> str:
    return json.dumps(value)
