"""`smartkampung link [--run-id ID]`: link staged rows to registry people and find registry duplicates."""

from smartkampung.core.audit import Actor
from smartkampung.core.commands import DomainCommand, bad_input
from smartkampung.linkage import services
from smartkampung.linkage.models import ImportBatch
from smartkampung.linkage.tasks import refresh_registry_features

from ._summary import print_summary


class Command(DomainCommand):
    help = "Link staged rows (one import with --run-id, else every staged import) and look for duplicates inside the registry; prints a summary."

    def add_arguments(self, parser):
        parser.add_argument("--run-id", type=int, help="the import to link (its number from `smartkampung import`)")
        parser.add_argument("--no-registry", action="store_true", help="skip the search for duplicates inside the registry")
        parser.add_argument("--accept-at", type=float, help="match probability accepted without review (default 0.99)")
        parser.add_argument("--review-at", type=float, help="match probability from which a pair goes to review (default 0.80)")
        parser.add_argument("--refresh-registry", action="store_true",
                            help="only bring the stored registry side of the model up to date (for cron, at night), then stop")

    def handle(self, *args, run_id=None, no_registry=False, accept_at=None, review_at=None, refresh_registry=False, **options):
        if refresh_registry:
            result = refresh_registry_features.call()
            self.stdout.write(f"Registry side up to date: {result['residents']:,} residents.")
            return
        for name, value in (("--accept-at", accept_at), ("--review-at", review_at)):
            if value is not None and not 0 < value < 1:
                raise bad_input(f"{name} must be between 0 and 1 (got {value})")
        if accept_at is not None and review_at is not None and review_at > accept_at:
            raise bad_input("--review-at must not be above --accept-at")
        batch = None
        if run_id is not None:
            batch = ImportBatch.objects.filter(pk=run_id).first()
            if batch is None:
                raise bad_input(f"No import {run_id}.")
        run = services.link_run(actor=Actor.system("link"), batch=batch, include_registry=not no_registry,
                                progress=lambda s: self.stderr.write(f"  {s}…"), accept_at=accept_at, review_at=review_at)
        print_summary(self, run)
