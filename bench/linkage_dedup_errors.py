"""Where `smartkampung dedup` goes wrong: false and missed pairs by what the two records share.

    .venv/bin/python bench/linkage_dedup_errors.py LIST.csv TRUTH.csv CLUSTERS.csv PAIRS.csv

(the files bench/linkage_dedup.py writes under /work/bench-data/linkage). Each wrong pair is described by
its fields: NIK equal / missing on one side / a KK typed as a NIK / first 12 digits equal / different,
and name, birth date, village, KK and sex equal or not; the most common kinds are printed with a sample,
and the count of different people no method could tell apart (same name, birth date, village and sex,
and no two different NIKs to separate them). Pure pandas; at 1M records it takes a few minutes.
"""

from __future__ import annotations

import collections
import itertools
import random
import sys

import pandas as pd

lp, tp, cp, pp = sys.argv[1:5]
L = pd.read_csv(lp, dtype=str).fillna("")
T = pd.read_csv(tp, dtype=str)
C = pd.read_csv(cp, dtype=str)
L = L.merge(T, on="id").merge(C.rename(columns={"record_id": "id"}), on="id")
P = pd.read_csv(pp, dtype={"record_id_l": str, "record_id_r": str})
prob = {(a, b): p for a, b, p in zip(P.record_id_l, P.record_id_r, P.match_probability, strict=True)}
rec = L.set_index("id").to_dict("index")


def pairs(col):
    out = []
    for _, ids in L.groupby(col).id:
        ids = list(ids)
        if len(ids) > 1:
            out += itertools.combinations(sorted(ids), 2)
    return out


def desc(a, b):
    A, B = rec[a], rec[b]
    f = []
    f.append(
        "nik="
        if A["nik"] == B["nik"] and A["nik"]
        else (
            "nik-missing"
            if not A["nik"] or not B["nik"]
            else (
                "nik=kk"
                if A["nik"] == B["no_kk"]
                or B["nik"] == A["no_kk"]
                or A["nik"] == A["no_kk"]
                or B["nik"] == B["no_kk"]
                else ("nik12=" if A["nik"][:12] == B["nik"][:12] else "nik≠")
            )
        )
    )
    f.append("name=" if A["nama"].upper() == B["nama"].upper() else "name≠")
    f.append("dob=" if A["tgl_lahir"] == B["tgl_lahir"] else "dob≠")
    f.append("desa=" if A["desa"] == B["desa"] else "desa≠")
    f.append(
        "kk="
        if A["no_kk"] == B["no_kk"] and A["no_kk"]
        else ("kk-" if not A["no_kk"] or not B["no_kk"] else "kk≠")
    )
    f.append("sex=" if A["jk"] == B["jk"] else "sex≠")
    return " ".join(f)


truth = set(pairs("entity"))
pred = set(pairs("cluster_id"))
fp = pred - truth
fn = truth - pred
print("true", len(truth), "pred", len(pred), "fp", len(fp), "fn", len(fn))
for name, s in (("FP", fp), ("FN", fn)):
    c = collections.Counter(desc(a, b) for a, b in s)
    print(name)
    for k, v in c.most_common(15):
        print(f"  {v:6d} {k}")
    scored = sum(1 for p in s if p in prob)
    print("  scored (>=0.5):", scored, " direct>=0.95:", sum(1 for p in s if prob.get(p, 0) >= 0.95))
# indistinguishable: different entity, same name (upper), dob, desa, sex, and nik missing on one or equal
ind = 0
for _, grp in L.assign(n=L.nama.str.upper()).groupby(["n", "tgl_lahir", "desa", "jk"]):
    if grp.entity.nunique() > 1:
        for a, b in itertools.combinations(grp.to_dict("records"), 2):
            if a["entity"] != b["entity"] and (not a["nik"] or not b["nik"] or a["nik"] == b["nik"]):
                ind += 1
print("indistinguishable different-entity pairs (same name,dob,desa,sex, NIK missing on one or equal):", ind)
random.seed(1)
for name, s in (("FP", fp), ("FN", fn)):
    print("examples", name)
    for a, b in random.sample(sorted(s), min(12, len(s))):
        A, B = rec[a], rec[b]
        print(
            " ",
            prob.get((a, b)),
            "|",
            a,
            A["nik"],
            A["no_kk"],
            A["nama"],
            A["tgl_lahir"],
            A["jk"],
            A["desa"],
            A["alamat"],
            A["rt"],
            A["rw"],
            "|",
            b,
            B["nik"],
            B["no_kk"],
            B["nama"],
            B["tgl_lahir"],
            B["jk"],
            B["desa"],
            B["alamat"],
            B["rt"],
            B["rw"],
        )
