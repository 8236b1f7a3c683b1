from pathlib import Path

from smartkampung.core.commands import DomainCommand, bad_input
from smartkampung.publicservices.signing import KEY_ENV, key_id_of, load_key, public_hex, write_new_key


class Command(DomainCommand):
    help = f"The village-letter signing key: --generate PATH writes a new Ed25519 key (mode 600); without it, show the key in use ({KEY_ENV})."

    def add_arguments(self, parser):
        parser.add_argument("--generate", metavar="PATH", help="write a new private key to PATH (refuses to overwrite)")

    def handle(self, *args, **options):
        if options.get("generate"):
            path = Path(options["generate"])
            try:
                key = write_new_key(path)
            except FileExistsError:
                raise bad_input(f"{path} exists: refusing to overwrite a key.") from None
            hex_ = public_hex(key.public_key())
            self.stdout.write(f"Wrote {path}. Key id {key_id_of(hex_)}, public key {hex_}. Set {KEY_ENV}={path.resolve()} and keep the file secret.")
            return
        key = load_key()
        note = " (DEVELOPMENT key: set " + KEY_ENV + " before issuing real letters)" if key.is_development else ""
        self.stdout.write(f"Key id {key.key_id}, public key {key.public_hex}{note}.")
