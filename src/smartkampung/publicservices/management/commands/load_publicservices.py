from smartkampung.core.audit import Actor
from smartkampung.core.commands import DomainCommand
from smartkampung.publicservices.services import catalogue_load


class Command(DomainCommand):
    help = "Load the service-mall catalogue, synonyms, closures and village letter types (data/); idempotent."

    def handle(self, *args, **options):
        made = catalogue_load(actor=Actor.system("load_publicservices"))
        self.stdout.write("Public services catalogue: " + ", ".join(f"{n} new {what}" for what, n in made.items() if what != "search_reindexed")
                          + f"; {made['search_reindexed']} service(s) reindexed.")
