"""`smartkampung cases escalate|load|open311-key` — the cases app's jobs and set-up.

`escalate` is the periodic job (cron every 15 minutes, or a db_worker task): open cases past their
deadline escalate to their kecamatan; followed-up cases whose reply window passed close by themselves.
"""

import datetime as dt
import json

from django.utils import timezone

from smartkampung.cases.models import Open311Key
from smartkampung.cases.services import (
    case_categories_load,
    cases_escalate,
    open311_key_create,
    open311_key_revoke,
)
from smartkampung.core.audit import Actor
from smartkampung.core.commands import DomainCommand, bad_input


class Command(DomainCommand):
    help = "Cases: escalate overdue cases and close unanswered follow-ups; load categories and teams; manage Open311 keys."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        escalate = sub.add_parser("escalate", help="escalate overdue cases to their kecamatan; close follow-ups with no reply")
        escalate.add_argument("--now", help="treat this moment as now (ISO-8601; default the current time)")
        escalate.add_argument("--json", action="store_true")
        load = sub.add_parser("load", help="load case states, teams and categories (idempotent)")
        load.add_argument("--json", action="store_true")
        key = sub.add_parser("open311-key", help="issue an Open311 API key (printed once)")
        key.add_argument("name")
        revoke = sub.add_parser("open311-revoke", help="revoke an Open311 API key by client name")
        revoke.add_argument("name")

    def handle(self, *args, action: str, **options):
        if action == "escalate":
            now = None
            if options.get("now"):
                try:
                    now = dt.datetime.fromisoformat(options["now"])
                except ValueError:
                    raise bad_input(f"--now must be ISO-8601, e.g. 2026-12-01T08:00:00+07:00 (got {options['now']!r})") from None
                if timezone.is_naive(now):
                    now = timezone.make_aware(now, timezone.get_current_timezone())
            result = cases_escalate(actor=Actor.system("cases-escalate"), now=now)
            self.stdout.write(json.dumps(result) if options["json"] else f"escalated {result['escalated']}, closed {result['closed']}")
        elif action == "load":
            result = case_categories_load(actor=Actor.system("cases-load"))
            self.stdout.write(json.dumps(result) if options["json"] else ", ".join(f"{k} {v}" for k, v in result.items()))
        elif action == "open311-key":
            _key, raw = open311_key_create(actor=Actor.system("cases-open311-key"), name=options["name"])
            self.stdout.write(raw)
        elif action == "open311-revoke":
            key = Open311Key.objects.filter(name=options["name"], revoked_at__isnull=True).first()
            if key is None:
                raise bad_input(f"no active Open311 key named {options['name']!r}")
            open311_key_revoke(actor=Actor.system("cases-open311-key"), key=key)
            self.stdout.write(f"revoked {key.name}")
