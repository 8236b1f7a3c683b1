from pathlib import Path

from smartkampung.core.audit import Actor
from smartkampung.core.commands import DomainCommand, bad_input
from smartkampung.core.services import BANYUWANGI_AREA_HISTORY, BANYUWANGI_AREAS, areas_load


class Command(DomainCommand):
    help = "Load a regency's area table (code,name,kind,parent_code,latitude,longitude,postal_code,bps_code). Without PATH: Banyuwangi."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="CSV of the regency's areas (default: the bundled Banyuwangi table)")
        parser.add_argument("--history", help="CSV of kecamatan splits (code,established_year,split_from)")

    def handle(self, *args, path=None, history=None, **options):
        if path is None:
            csv_path, history_path = BANYUWANGI_AREAS, BANYUWANGI_AREA_HISTORY
        else:
            csv_path, history_path = Path(path), Path(history) if history else None
        for p in (csv_path, history_path):
            if p is not None and not p.is_file():
                raise bad_input(f"No such file: {p}")
        result = areas_load(path=csv_path, history_path=history_path, actor=Actor.system("load_areas"))
        kinds = ", ".join(f"{n} {k}" for k, n in result.by_kind.items())
        self.stdout.write(f"Areas loaded from {csv_path.name}: {kinds} ({result.created} new, {result.updated} updated).")
