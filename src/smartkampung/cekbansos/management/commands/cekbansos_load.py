from smartkampung.cekbansos.services import excluding_load
from smartkampung.core.audit import Actor
from smartkampung.core.commands import DomainCommand


class Command(DomainCommand):
    help = "Seed Cek Bansos's list of excluding programmes (PKH, BPNT, BLT Desa, BST, BPUM, regional aid) once; idempotent."

    def handle(self, *args, **options):
        added = excluding_load(actor=Actor.system("cekbansos_load"))
        self.stdout.write(f"Cek Bansos excluding programmes: {added} added.")
