import datetime as dt

from django.utils import timezone

from smartkampung.core.audit import Actor
from smartkampung.core.commands import DomainCommand, bad_input
from smartkampung.publicservices.services import queue_close_day


class Command(DomainCommand):
    help = "At closing time: record appointments nobody came for and tickets never finished as no-shows."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, **options):
        try:
            day = dt.date.fromisoformat(options["date"]) if options.get("date") else timezone.localdate()
        except ValueError:
            raise bad_input("--date is YYYY-MM-DD.") from None
        result = queue_close_day(actor=Actor.system("queue_close_day"), day=day)
        self.stdout.write(f"{day}: {result['appointments_no_show']} appointment(s) and {result['tickets_no_show']} ticket(s) recorded as no-shows.")
