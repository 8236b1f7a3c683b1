"""Plant programme enrolments with known errors into the synthetic regency, village by village.

Eligibility here is an oracle written independently of the rule engine: plain Python predicates that
mean the same as the catalogue's default rules (programmes/catalogue.py). Whatever the targeting run
finds must equal exactly what is planted here, kind by kind. If a default rule changes, the predicate
below must change with it (tests/synth/test_enrolments.py compares the two).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

EXCLUSION_RATE = 0.08  # eligible units left out
NOT_ELIGIBLE_RATE = 0.03  # per eligible unit, one non-eligible unit enrolled
DECEASED_RATE = 0.01
DUPLICATE_RATE = 0.01
UNKNOWN_NIK_RATE = 0.005
PREGNANT_RATE = 0.04  # of married women aged 18-40


def age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass
class Member:
    no: int
    born: dt.date
    sex: str
    severe: bool
    died: dt.date | None
    pregnant_due: dt.date | None = None


@dataclass
class Home:
    no: int
    head: int | None
    desil: int | None
    condition: str
    living: list[Member] = field(default_factory=list)
    former_dead: list[Member] = field(default_factory=list)


# The oracle: what each default rule means, per person (and a household qualifies when a living member does).
def _pkh(m: Member, h: Home, on: dt.date) -> bool:
    a = age(m.born, on)
    pregnant = m.pregnant_due is not None and m.pregnant_due >= on
    return (h.desil or 99) <= 4 and (pregnant or a <= 18 or m.severe or a >= 60)


PERSON_RULES: dict[str, Callable[[Member, Home, dt.date], bool]] = {
    "PBI_JKN": lambda m, h, on: (h.desil or 99) <= 4,
    "RANTANG_KASIH": lambda m, h, on: age(m.born, on) >= 60 and len(h.living) == 1 and (h.desil or 99) <= 2,
}
HOUSEHOLD_RULES: dict[str, Callable[[Member, Home, dt.date], bool]] = {
    "PKH": _pkh,
    "BPNT": lambda m, h, on: (h.desil or 99) <= 3,
    "RTLH": lambda m, h, on: (h.desil or 99) <= 4 and h.condition == "tidak_layak",
    "BLT_DD": lambda m, h, on: (h.desil or 99) <= 2,  # and not PKH/BPNT recipients: see EXCLUDES
}
EXCLUDES = {"BLT_DD": ("PKH", "BPNT")}
ORDER = ("PKH", "BPNT", "RTLH", "BLT_DD", "PBI_JKN", "RANTANG_KASIH")  # excluded programmes first


@dataclass
class Planted:
    enrolments: list[tuple] = field(default_factory=list)  # (no, code, person_no|None, household_no|None, listed_nik, listed_name, start)
    truth: list[tuple] = field(default_factory=list)  # (kind, code, person_no, household_no, enrolment_no, listed_nik)
    pregnancies: dict[int, dt.date] = field(default_factory=dict)


class Planter:
    def __init__(self, *, seed: int, as_of: dt.date, codes: set[str]):
        self.seed = seed
        self.as_of = as_of
        self.codes = codes
        self.next_enrolment = 0
        self.unknown_count = 0

    def plant(self, index: int, batch) -> Planted:
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=(7, index))))
        out = Planted()
        people = {row[0]: row for row in batch.people}
        homes = {h[0]: Home(no=h[0], head=h[3], desil=h[11], condition=h[12]) for h in batch.households}
        for person_no, household_no, _rel, _start, end in batch.memberships:
            row = people[person_no]
            member = Member(no=person_no, born=row[5], sex=row[3], severe=row[11], died=row[13])
            if end is None and row[13] is None:
                homes[household_no].living.append(member)
            elif row[13] is not None:
                homes[household_no].former_dead.append(member)
        for home in homes.values():  # pregnancies are registry facts the PKH rule reads
            for m in home.living:
                if m.sex == "F" and 18 <= age(m.born, self.as_of) <= 40 and rng.random() < PREGNANT_RATE:
                    m.pregnant_due = self.as_of + dt.timedelta(days=int(rng.integers(10, 270)))
                    out.pregnancies[m.no] = m.pregnant_due
        names = {row[0]: (row[1], row[2]) for row in batch.people}
        receiving: dict[str, set[int]] = defaultdict(set)  # household programmes: households with any enrolment
        for code in ORDER:
            if code not in self.codes:
                continue
            if code in PERSON_RULES:
                self._person_programme(code, rng, homes, names, out)
            else:
                self._household_programme(code, rng, homes, names, out, receiving)
        return out

    def _enrol(self, out, code, person, household, names, start=None, listed=None):
        no = self.next_enrolment
        self.next_enrolment += 1
        nik, name = listed if listed else names[person]
        out.enrolments.append((no, code, person, household, nik, name, start or self.as_of - dt.timedelta(days=400)))
        return no

    def _person_programme(self, code, rng, homes, names, out):
        rule = PERSON_RULES[code]
        eligible, others, dead = [], [], []
        for home in homes.values():
            for m in home.living:
                (eligible if rule(m, home, self.as_of) else others).append(m.no)
            dead.extend(m.no for m in home.former_dead)
        enrolled = []
        for no in eligible:
            if rng.random() < EXCLUSION_RATE:
                out.truth.append(("exclusion", code, no, None, None, ""))
            else:
                enrolled.append(self._enrol(out, code, no, None, names))
        self._errors(code, rng, len(eligible), others, dead, enrolled, out, names, person_unit=True)

    def _household_programme(self, code, rng, homes, names, out, receiving):
        rule = HOUSEHOLD_RULES[code]
        eligible, others = [], []
        for home in homes.values():
            if not home.living:
                continue
            ok = any(rule(m, home, self.as_of) for m in home.living)
            ok = ok and not any(home.no in receiving[x] for x in EXCLUDES.get(code, ()))
            (eligible if ok else others).append(home)
        enrolled = []
        for home in eligible:
            if rng.random() < EXCLUSION_RATE:
                out.truth.append(("exclusion", code, None, home.no, None, ""))
                continue
            if home.former_dead and rng.random() < DECEASED_RATE * 10:
                # The recorded recipient is a member who has died: "receiving while deceased".
                dead = home.former_dead[0]
                no = self._enrol(out, code, dead.no, home.no, names)
                out.truth.append(("deceased", code, dead.no, home.no, no, ""))
            else:
                enrolled.append(self._enrol(out, code, home.head, home.no, names))
            receiving[code].add(home.no)
        for home in self._pick(rng, others, len(eligible) * NOT_ELIGIBLE_RATE):
            no = self._enrol(out, code, home.head, home.no, names)
            out.truth.append(("not_eligible", code, home.head, home.no, no, ""))
            receiving[code].add(home.no)
        self._twins_and_unknown(code, rng, len(eligible), enrolled, out, names)

    def _errors(self, code, rng, n_eligible, others, dead, enrolled, out, names, person_unit):
        for no in self._pick(rng, others, n_eligible * NOT_ELIGIBLE_RATE):
            e = self._enrol(out, code, no, None, names)
            out.truth.append(("not_eligible", code, no, None, e, ""))
        for no in self._pick(rng, dead, n_eligible * DECEASED_RATE):
            e = self._enrol(out, code, no, None, names, start=dt.date(2019, 1, 1))
            out.truth.append(("deceased", code, no, None, e, ""))
        self._twins_and_unknown(code, rng, n_eligible, enrolled, out, names)

    def _twins_and_unknown(self, code, rng, n_eligible, enrolled, out, names):
        rows = {e[0]: e for e in out.enrolments}
        for original in self._pick(rng, enrolled, n_eligible * DUPLICATE_RATE):
            _, _, person, household, *_ = rows[original]
            e = self._enrol(out, code, person, household, names)
            out.truth.append(("duplicate", code, person, household, e, ""))
        for _ in range(self._count(rng, n_eligible * UNKNOWN_NIK_RATE)):
            # Serials from 9000 are never given by the generator: a NIK the registry cannot know.
            c = self.unknown_count
            nik = f"351001{1 + c % 28:02d}{1 + (c // 28) % 12:02d}80{9000 + c // 336:04d}"
            self.unknown_count += 1
            e = self._enrol(out, code, None, None, names, listed=(nik, "Tidak Dikenal"))
            out.truth.append(("unknown_nik", code, None, None, e, nik))

    @staticmethod
    def _count(rng, expected: float) -> int:
        return int(rng.poisson(expected)) if expected > 0 else 0

    def _pick(self, rng, pool: list, expected: float) -> list:
        k = min(self._count(rng, expected), len(pool))
        if k == 0:
            return []
        return [pool[i] for i in sorted(rng.choice(len(pool), size=k, replace=False).tolist())]
