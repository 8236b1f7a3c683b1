"""The `smartkampung` command as users run it: separate processes on a fresh database of the suite's kind."""

from __future__ import annotations

import json

import pytest

from tests.fresh_db import fresh_database, run

DIGEST = (
    "import hashlib; from smartkampung.registry.models import Person, Household; "
    "h = hashlib.sha256(); "
    "[h.update(repr(r).encode()) for r in Person.objects.order_by('id').values_list('nik', 'name', 'sex', 'birth_date', 'date_of_death', 'village__code', 'phone')]; "
    "[h.update(repr(r).encode()) for r in Household.objects.order_by('id').values_list('kk_number', 'village__code', 'rw', 'rt', 'desil', 'house_condition', 'latitude')]; "
    "print(h.hexdigest())"
)


def _prepared(env) -> None:
    run(env, "migrate", "-v0")
    run(env, "load_areas")


def test_synth_same_seed_same_data_and_stats(tmp_path):
    digests, stats = [], []
    for n in range(2):
        with fresh_database(tmp_path / f"run{n}") as env:
            _prepared(env)
            out = run(env, "synth", "--people", "3000", "--seed", "5", "--no-progress")
            assert "Synthesised 3,000 people" in out.stdout
            digests.append(run(env, "shell", "-c", DIGEST).stdout.strip())
            stats.append(json.loads(run(env, "stats", "--json").stdout))
    assert digests[0] == digests[1]
    first = stats[0]
    assert first["areas"] == {"kabupaten": 1, "kecamatan": 25, "desa": 189, "kelurahan": 28}
    assert first["people"]["total"] == 3000
    assert first["people"]["deceased"] == first["synth"].get("planted_deceased", 0)
    assert first["synth"]["seed"] == 5 and first["synth"]["people"] == 3000
    assert first["households"]["current"] == first["synth"]["households"]
    assert stats[0] == stats[1]


def test_another_seed_gives_other_people(tmp_path):
    digests = []
    for seed in ("5", "6"):
        with fresh_database(tmp_path / seed) as env:
            _prepared(env)
            run(env, "synth", "--people", "500", "--seed", seed, "--no-progress")
            digests.append(run(env, "shell", "-c", DIGEST).stdout.strip())
    assert digests[0] != digests[1]


def test_bad_input_exits_2_with_one_line_and_no_traceback(tmp_path):
    with fresh_database(tmp_path) as env:
        run(env, "migrate", "-v0")
        no_areas = run(env, "synth", "--people", "10", "--no-progress", check=False)
        assert no_areas.returncode == 2
        assert "load_areas" in no_areas.stderr and "Traceback" not in no_areas.stderr
        run(env, "load_areas")
        for args in (("synth", "--people", "many"), ("synth", "--people", "-5"), ("load_areas", str(tmp_path / "nope.csv"))):
            result = run(env, *args, check=False)
            assert result.returncode == 2, args
            assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
        run(env, "synth", "--people", "200", "--seed", "1", "--no-progress")
        again = run(env, "synth", "--people", "200", "--seed", "1", "--no-progress", check=False)
        assert again.returncode == 2 and "already holds 200 people" in again.stderr
        kept = run(env, "synth", "--people", "200", "--if-empty", "--no-progress")
        assert kept.returncode == 0 and "Keeping the registry" in kept.stdout
        assert json.loads(run(env, "stats", "--json").stdout)["people"]["total"] == 200


def test_load_another_regencys_table(tmp_path):
    table = tmp_path / "contoh.csv"
    table.write_text(
        "code,name,kind,parent_code,latitude,longitude,postal_code,bps_code\n"
        "35.09,Kabupaten Jember,kabupaten,35,-8.17,113.70,,3509\n"
        "35.09.01,Jombang,kecamatan,35.09,-8.28,113.36,,3509010\n"
        "35.09.01.2001,Ngampelrejo,desa,35.09.01,-8.29,113.35,68168,3509010001\n"
        "35.09.01.1001,Jombang,kelurahan,35.09.01,-8.28,113.36,68168,3509010002\n",
        encoding="utf-8",
    )
    broken = tmp_path / "broken.csv"
    broken.write_text(table.read_text().replace("35.09.01.2001,Ngampelrejo,desa", "35.09.01.1001X,Ngampelrejo,desa"), encoding="utf-8")
    with fresh_database(tmp_path) as env:
        run(env, "migrate", "-v0")
        refused = run(env, "load_areas", str(broken), check=False)
        assert refused.returncode == 2 and "Line 4" in refused.stderr
        assert json.loads(run(env, "stats", "--json").stdout)["areas"] == {"kabupaten": 0, "kecamatan": 0, "desa": 0, "kelurahan": 0}
        loaded = run(env, "load_areas", str(table))
        assert "1 kabupaten, 1 kecamatan, 1 kelurahan, 1 desa (4 new, 0 updated)" in loaded.stdout
        conflict = run(env, "load_areas", check=False)  # Banyuwangi into a Jember database
        assert conflict.returncode == 2 and "Kabupaten Jember" in conflict.stderr
        assert json.loads(run(env, "stats", "--json").stdout)["areas"] == {"kabupaten": 1, "kecamatan": 1, "desa": 1, "kelurahan": 1}


def test_token_issue_list_revoke(tmp_path):
    with fresh_database(tmp_path) as env:
        _prepared(env)
        run(env, "demo_users")
        secret = run(env, "token", "issue", "operator.kemiren", "--name", "laptop").stdout.strip()
        assert secret.startswith("sk_") and len(secret) > 40
        listed = run(env, "token", "list").stdout
        assert secret[:10] in listed and "operator.kemiren" in listed and secret not in listed
        run(env, "token", "revoke", secret[:10])
        assert secret[:10] not in run(env, "token", "list").stdout
        assert run(env, "token", "issue", "nobody", "--name", "x", check=False).returncode == 2


@pytest.mark.parametrize("args", [("makemigrations", "--check", "--dry-run")])
def test_migrations_are_complete(tmp_path, args):
    with fresh_database(tmp_path) as env:
        assert run(env, *args).returncode == 0
