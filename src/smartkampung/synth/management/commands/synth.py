import datetime as dt

from tqdm import tqdm

from smartkampung.core.audit import Actor
from smartkampung.core.commands import DomainCommand, bad_input
from smartkampung.core.errors import DomainError
from smartkampung.synth.population import FULL_PEOPLE
from smartkampung.synth.services import DEFAULT_AS_OF, synth_population


def _people(value: str) -> int:
    if value == "full":
        return FULL_PEOPLE
    try:
        number = int(value.replace("_", "").replace(",", ""))
    except ValueError:
        raise bad_input(f"--people must be a whole number or 'full' (got {value!r})") from None
    if number < 0:
        raise bad_input("--people must be zero or more")
    return number


class Command(DomainCommand):
    help = "Synthesise a Banyuwangi population of N people into the configured (empty) database; same seed, same data."

    def add_arguments(self, parser):
        parser.add_argument("--people", required=True, help=f"number of people, or 'full' ({FULL_PEOPLE:,})")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--as-of", default=DEFAULT_AS_OF.isoformat(), help="the date the synthetic registry describes (YYYY-MM-DD)")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--if-empty", action="store_true", help="do nothing (exit 0) when the registry already holds people")

    def handle(self, *args, people, seed, as_of, no_progress, if_empty, **options):
        count = _people(people)
        try:
            as_of_date = dt.date.fromisoformat(as_of)
        except ValueError:
            raise bad_input(f"--as-of must be a date YYYY-MM-DD (got {as_of!r})") from None
        bar = tqdm(total=count, unit="people", disable=no_progress or None, desc="synth")
        try:
            run = synth_population(actor=Actor.system("synth"), people=count, seed=seed, as_of=as_of_date, progress=bar.update)
        except DomainError as error:
            if if_empty and error.code == "conflict":
                self.stdout.write(f"Keeping the registry as it is: {error.message}")
                return
            raise
        finally:
            bar.close()
        self.stdout.write(f"Synthesised {run.people:,} people in {run.households:,} households (seed {run.seed}) in {run.seconds:.1f} s.")
