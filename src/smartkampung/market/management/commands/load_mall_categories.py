from smartkampung.core.audit import Actor
from smartkampung.core.commands import DomainCommand
from smartkampung.market.services import categories_load


class Command(DomainCommand):
    help = "Load the Banyuwangi Mall categories (batik, fashion, crafts, processed food, accessories, souvenirs, furniture); idempotent."

    def handle(self, *args, **options):
        count = categories_load(actor=Actor.system("load_mall_categories"))
        self.stdout.write(f"Mall categories: {count}.")
