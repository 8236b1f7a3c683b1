import json
import os
from pathlib import Path

from smartkampung.core.commands import DomainCommand, bad_input
from smartkampung.programmes.map_selectors import shapes_parse, shapes_path


class Command(DomainCommand):
    help = ("Load village boundaries for the digital map from a GeoJSON FeatureCollection whose features carry "
            "a `code` property (the village's Kemendagri code, e.g. 35.10.15.2004). Unknown codes are reported "
            "and skipped; an invalid file changes nothing and exits 2.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="GeoJSON file of village polygons")

    def handle(self, *args, path, **options):
        source = Path(path)
        if not source.is_file():
            raise bad_input(f"No such file: {source}")
        parsed = shapes_parse(source)
        target = shapes_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target, then rename: a reader (the map page) never sees half a file.
        partial = target.with_name(target.name + ".partial")
        partial.write_text(json.dumps({"type": "FeatureCollection", "features": parsed.features}, separators=(",", ":")), encoding="utf-8")
        os.replace(partial, target)
        self.stdout.write(f"Loaded {len(parsed.features)} village shapes into {target}.")
        if parsed.unknown_codes:
            self.stderr.write(f"Skipped {len(parsed.unknown_codes)} features with unknown village codes: {', '.join(parsed.unknown_codes)}")
