from smartkampung.core.audit import Actor
from smartkampung.core.commands import DomainCommand
from smartkampung.programmes.services import catalogue_load


class Command(DomainCommand):
    help = "Seed the programme catalogue (PKH, BPNT, BST, BLT Dana Desa, PBI-JKN, RTLH, Rantang Kasih); idempotent."

    def handle(self, *args, **options):
        created = catalogue_load(actor=Actor.system("load_programmes"))
        self.stdout.write(f"Programme catalogue: {created} new programme(s).")
