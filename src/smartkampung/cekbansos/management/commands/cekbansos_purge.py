from smartkampung.cekbansos.services import purge_logs
from smartkampung.core.audit import Actor
from smartkampung.core.commands import DomainCommand


class Command(DomainCommand):
    help = "Delete Cek Bansos lookup logs older than --days (default 365) and rate-limit counters no limit reads any more."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=365)

    def handle(self, *args, days, **options):
        result = purge_logs(actor=Actor.system("cekbansos_purge"), older_than_days=days)
        self.stdout.write(f"Deleted {result['logs']} lookup log row(s) and {result['counters']} counter row(s).")
