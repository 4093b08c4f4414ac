"""Property tests at the Python boundary (issue 6, "the safety net").

Seeded random data, for the built-in instrument and for small random instruments, is handed to
every reader: CSV files (comma and semicolon), a JSON file, ``from_records``, ``from_dict`` and
``from_pandas``. All must give the same survey (compared with ``==``, after pickling, through
``item_summary`` and through the measures), and that survey must hold what was written.

Answers are written as codes (int, float, numpy scalar or text), ids, Dutch or English labels,
'weet niet', or left empty; respondents share municipalities whose attributes agree
(inhabitants inside the size class); ids are text or numbers.
"""

from __future__ import annotations

import csv
import json
import os
import pickle
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

import numpy as np
import pandas as pd
import pytest

import doe_democratie as dd

# More seeds for a longer search: DD_PROPERTY_SEEDS=1000 python -m pytest tests/python/test_properties.py
SEEDS = range(int(os.environ.get("DD_PROPERTY_SEEDS", "24")))

# Texts for open answers, names and free-text attributes (blanks read as empty).
TEXTS = [
    "ja, graag",
    "Nee; liever niet",
    'zei "misschien"',
    "twee\nregels",
    "  ruimte  ",
    "Súdwest-Fryslân 🙂",
    "'s-Hertogenbosch",
    "7",
    "weet niet",
    " ",
]

MISSING_LABELS = {
    "dont_know": ("Weet niet", "Don't know"),
    "refused": ("Wil niet zeggen", "Refused"),
    "not_applicable": ("Niet van toepassing", "Not applicable"),
}

WORDS = ["vaak", "soms", "Fryslân", "één", "gemeente, raad", "wijk; buurt", "Ærø", "x"]


# ---------------------------------------------------------------------------------------------
# Random instruments


def _label(rng: random.Random, tag: str) -> str:
    """A label with a unique tag, so that no two codes or levels share one."""
    return f"{rng.choice(WORDS)} {rng.choice(WORDS)} #{tag}"


def _levels(rng: random.Random, prefix: str, n: int) -> List[Dict[str, Any]]:
    return [
        {
            "id": f"{prefix}{i}",
            "label_nl": _label(rng, f"{prefix}{i}"),
            "label_en": _label(rng, f"{prefix}{i}"),
        }
        for i in range(n)
    ]


def _scale(rng: random.Random, i: int) -> Dict[str, Any]:
    n_cat = rng.randint(1, 5)
    kinds = rng.sample(sorted(MISSING_LABELS), rng.randint(0, 2))
    codes = rng.sample(range(40), n_cat + len(kinds))
    scale: Dict[str, Any] = {
        "id": f"s{i}",
        "label_en": "random scale",
        "categories": [
            {
                "code": codes[k],
                "id": f"c{k}",
                "label_nl": _label(rng, str(k)),
                "label_en": _label(rng, str(k)),
            }
            for k in range(n_cat)
        ],
        "missing": [
            {
                "code": codes[n_cat + j],
                "id": f"m{j}",
                "label_nl": MISSING_LABELS[kind][0],
                "label_en": MISSING_LABELS[kind][1],
                "kind": kind,
                "in_base": rng.random() < 0.5,
            }
            for j, kind in enumerate(kinds)
        ],
    }
    if rng.random() < 0.5:
        members = rng.sample([c["code"] for c in scale["categories"]], rng.randint(1, n_cat))
        scale["nets"] = [{"id": "top", "label_nl": "top", "label_en": "top", "codes": members}]
    return scale


def _question(rng: random.Random, qi: int, scales: List[Dict[str, Any]]) -> Dict[str, Any]:
    kind = rng.choice(["single_choice", "grid", "multi_select", "open_text"])
    q: Dict[str, Any] = {
        "id": f"q{qi}",
        "text_nl": f"Vraag {qi}?",
        "text_en": f"Question {qi}?",
        "unit": rng.choice(["municipality", "respondent"]),
        "kind": kind,
    }
    items = _levels(rng, "i", rng.randint(1, 3))
    if kind in ("single_choice", "grid"):
        q["scale"] = rng.choice(scales)["id"]
    if kind == "grid":
        q["items"] = items
    if kind == "multi_select":
        q["options"] = items
        if rng.random() < 0.5:
            q["max_picks"] = rng.randint(1, len(items))
    return q


def random_instrument(rng: random.Random) -> dd.Instrument:
    scales = [_scale(rng, i) for i in range(rng.randint(1, 3))]
    thresholds = sorted(rng.sample(range(1, 300_000), 3))
    classes = _levels(rng, "k", rng.randint(0, 4))
    for c, low in zip(classes, [0] + thresholds):
        c["min_inhabitants"] = low
    spec = {
        "format": "doe_democratie.instrument/1",
        "id": "random",
        "title_nl": "Willekeurig",
        "title_en": "Random",
        "attributes": {
            "roles": _levels(rng, "r", rng.randint(0, 3)),
            "size_classes": classes,
            "provinces": _levels(rng, "p", rng.randint(0, 3)),
        },
        "scales": scales,
        "questions": [_question(rng, qi, scales) for qi in range(rng.randint(1, 5))],
    }
    return dd.Instrument.from_json(json.dumps(spec))


# ---------------------------------------------------------------------------------------------
# Random data with its truth


@dataclass
class Column:
    name: str
    kind: str  # "coded", "flag" or "text"
    question: Dict[str, Any]
    scale: Optional[Dict[str, Any]] = None


@dataclass
class Generated:
    columns: List[str]
    records: List[Dict[str, Any]]
    # Truth per data column: codes (None = empty) or texts, for every respondent.
    truth: Dict[str, List[Any]] = field(default_factory=dict)
    n_municipalities: int = 0


def _columns(spec: Dict[str, Any]) -> List[Column]:
    scales = {s["id"]: s for s in spec["scales"]}
    out = []
    for q in spec["questions"]:
        kind = q["kind"]
        if kind == "single_choice":
            out.append(Column(q["id"], "coded", q, scales[q["scale"]]))
        elif kind == "open_text":
            out.append(Column(q["id"], "text", q))
        elif kind == "grid":
            out += [Column(f"{q['id']}.{i['id']}", "coded", q, scales[q["scale"]]) for i in q["items"]]
        else:
            out += [Column(f"{q['id']}.{o['id']}", "flag", q) for o in q["options"]]
    return out


def _coded(rng: random.Random, scale: Dict[str, Any], missing_only: bool) -> Tuple[Any, int]:
    entries = list(scale.get("missing", []))
    if not (missing_only and entries):
        entries = scale["categories"] + entries
    e = rng.choice(entries)
    code = e["code"]
    forms: List[Any] = [
        code,
        float(code),
        np.int64(code),
        str(code),
        e["id"],
        e["id"].upper(),
        e["label_nl"],
        e["label_en"],
        f"  {e['label_nl']} ",
    ]
    if e["label_nl"].isascii():
        forms.append(e["label_nl"].lower())  # 'weet niet'
    return rng.choice(forms), code


def _flag(rng: random.Random, picked: bool) -> Any:
    return rng.choice([int(picked), picked, np.bool_(picked), str(int(picked)), float(picked)])


def _level_value(rng: random.Random, level: Dict[str, Any]) -> str:
    """A level written as its id, Dutch label, English label or upper-case id."""
    return str(rng.choice([level["id"], level["label_nl"], level["label_en"], level["id"].upper()]))


def _municipalities(rng: random.Random, attrs: Dict[str, Any], n: int) -> List[Dict[str, Any]]:
    classes = attrs.get("size_classes", [])
    out = []
    for m in range(n):
        k = rng.randrange(len(classes)) if classes else None
        if k is None:
            inhabitants = rng.randint(1, 1_000_000)
        else:
            low = max(1, classes[k]["min_inhabitants"])
            high = classes[k + 1]["min_inhabitants"] - 1 if k + 1 < len(classes) else low + 999_999
            inhabitants = rng.randint(low, high)
        provinces = attrs.get("provinces", [])
        out.append(
            {
                # Every third a number, as a spreadsheet stores a CBS code without its 'GM'.
                "id": 100 + m if m % 3 == 2 else f"GM{m:04d}",
                "name": rng.choice(TEXTS[:7]),
                "inhabitants": inhabitants,
                "class": classes[k] if k is not None else None,
                "province": rng.choice(provinces) if provinces else rng.choice(TEXTS[:7]),
            }
        )
    return out


def _answers(rng: random.Random, columns: List[Column], present: List[str]) -> Dict[str, Tuple[Any, Any]]:
    """One respondent's written answer and its truth per data column."""
    missing_only = rng.random() < 0.3
    picks: Dict[str, int] = {}
    out: Dict[str, Tuple[Any, Any]] = {}
    for col in columns:
        if col.name not in present or rng.random() < 0.2:
            out[col.name] = (None, None)
        elif col.kind == "text":
            t = rng.choice(TEXTS)
            out[col.name] = (t, t if t.strip() else None)
        elif col.kind == "flag":
            picked = rng.random() < 0.5
            limit = col.question.get("max_picks")
            qid = col.question["id"]
            if picked and limit is not None:
                picked = picks.get(qid, 0) < limit
                picks[qid] = picks.get(qid, 0) + int(picked)
            out[col.name] = (_flag(rng, picked), int(picked))
        else:
            assert col.scale is not None
            out[col.name] = _coded(rng, col.scale, missing_only)
    return out


def _attribute_cells(rng: random.Random, attrs: Dict[str, Any], muni: Dict[str, Any]) -> Dict[str, Any]:
    """The municipality attributes one row writes (each may be left out)."""
    muni_id = muni["id"]
    written = [muni_id, f" {muni_id} "] if isinstance(muni_id, str) else [muni_id, str(muni_id)]
    cells: Dict[str, Any] = {"municipality": rng.choice(written)}
    if rng.random() < 0.6:
        cells["municipality_name"] = muni["name"]
    if rng.random() < 0.6:
        inhabitants = muni["inhabitants"]
        cells["inhabitants"] = rng.choice(
            [inhabitants, str(inhabitants), np.int64(inhabitants), float(inhabitants)]
        )
    if muni["class"] is not None and rng.random() < 0.5:
        cells["size_class"] = _level_value(rng, muni["class"])
    province = muni["province"]
    if rng.random() < 0.6:
        cells["province"] = province if isinstance(province, str) else _level_value(rng, province)
    return cells


def generate(rng: random.Random, instrument: dd.Instrument) -> Generated:
    spec = json.loads(instrument.to_json())
    attrs = spec.get("attributes", {})
    columns = _columns(spec)
    present = [c.name for c in columns if rng.random() < 0.85]
    header = ["respondent_id", "municipality", "municipality_name", "inhabitants"]
    header += ["size_class", "province", "role"] + present
    munis = _municipalities(rng, attrs, rng.randint(1, 8))
    n = rng.randint(1, 30)
    records: List[Dict[str, Any]] = []
    truth: Dict[str, List[Any]] = {c.name: [] for c in columns}
    seen = set()
    roles = attrs.get("roles", [])
    for r in range(n):
        muni = rng.choice(munis)
        seen.add(muni["id"])
        rec: Dict[str, Any] = {"respondent_id": rng.choice([f"r{r}", 1000 + r, f" r{r} "])}
        rec.update(_attribute_cells(rng, attrs, muni))
        if rng.random() < 0.7:
            rec["role"] = _level_value(rng, rng.choice(roles)) if roles else rng.choice(TEXTS)
        for name, (written, value) in _answers(rng, columns, present).items():
            truth[name].append(value)
            if name in present:
                rec[name] = written
        # Every record but the first may leave its empty cells out.
        if r > 0 and rng.random() < 0.5:
            rec = {k: v for k, v in rec.items() if v is not None}
        records.append(rec)
    first = {h: records[0].get(h) for h in header}
    records[0] = first
    return Generated(header, records, truth, len(seen))


# ---------------------------------------------------------------------------------------------
# Writers and readers


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (for JSON)."""
    return value.item() if isinstance(value, np.generic) else value


def _csv_text(value: Any) -> str:
    value = _plain(value)
    return "" if value is None else str(value)


def write_csv(g: Generated, path: Path, delimiter: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(g.columns)
        for rec in g.records:
            w.writerow([_csv_text(rec.get(c)) for c in g.columns])
    return path


def write_json(g: Generated, path: Path) -> Path:
    records = [{k: _plain(v) for k, v in rec.items()} for rec in g.records]
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def as_dict(g: Generated) -> Dict[str, List[Any]]:
    return {c: [rec.get(c) for rec in g.records] for c in g.columns}


Reader = Callable[[Generated, Path, dd.Instrument], dd.Survey]

READERS: Dict[str, Reader] = {
    "csv_comma": lambda g, d, i: dd.Survey.from_csv(write_csv(g, d / "comma.csv", ","), i),
    "csv_semicolon": lambda g, d, i: dd.Survey.from_csv(write_csv(g, d / "semi.csv", ";"), i),
    "json": lambda g, d, i: dd.Survey.from_json(write_json(g, d / "records.json"), i),
    "records": lambda g, d, i: dd.Survey.from_records(g.records, i),
    "dict": lambda g, d, i: dd.Survey.from_dict(as_dict(g), i),
    "pandas": lambda g, d, i: dd.Survey.from_pandas(pd.DataFrame(as_dict(g)), i),
}


# ---------------------------------------------------------------------------------------------
# Checks


def _codes(spec_scale: Dict[str, Any]) -> Tuple[Set[int], Set[int]]:
    return {c["code"] for c in spec_scale["categories"]}, {m["code"] for m in spec_scale.get("missing", [])}


def check_truth(survey: dd.Survey, g: Generated, instrument: dd.Instrument) -> None:
    """Counts per column as written: answered, 'weet niet' (any missing code), missing, picked."""
    n = len(g.records)
    assert (survey.n_respondents, survey.n_municipalities) == (n, g.n_municipalities)
    columns = {c.name: c for c in _columns(json.loads(instrument.to_json()))}
    for s in survey.item_summary():
        col = columns[s["column"]]
        values = g.truth[col.name]
        assert s["asked"] == (col.name in g.columns), col.name
        if col.kind == "coded":
            assert col.scale is not None
            substantive, missing = _codes(col.scale)
            want = (sum(v in substantive for v in values), sum(v in missing for v in values), None)
        elif col.kind == "flag":
            want = (sum(v is not None for v in values), 0, sum(v == 1 for v in values))
        else:
            want = (sum(v is not None for v in values), 0, None)
        got = (s["answered"], s["dont_know"], s["picked"])
        assert got == want, col.name
        assert s["missing"] == n - got[0] - got[1]


def measures(survey: dd.Survey, instrument: dd.Instrument) -> List[Any]:
    """Every measure's rows that the instrument allows, with default options."""
    out: List[Any] = []
    spec = json.loads(instrument.to_json())
    for q in spec["questions"]:
        if q["kind"] in ("single_choice", "grid"):
            out.append(survey.frequencies(q["id"]).rows)
            out.append(survey.frequencies(q["id"], base="substantive").rows)
            if spec["attributes"].get("size_classes"):
                out.append(survey.frequencies(q["id"], by="size_class").rows)
        elif q["kind"] == "multi_select":
            out.append(survey.mentions(q["id"]).rows)
    return out


def check_frequencies_sum_to_base(survey: dd.Survey, instrument: dd.Instrument) -> None:
    spec = json.loads(instrument.to_json())
    for q in spec["questions"]:
        if q["kind"] not in ("single_choice", "grid"):
            continue
        cells: Dict[Tuple[Any, str], List[Any]] = {}
        for row in survey.frequencies(q["id"]).rows:
            cells.setdefault((row["item"], row["group"]), []).append(row)
        for rows in cells.values():
            in_base = [r for r in rows if r["in_base"]]
            base = rows[0]["base"]
            assert sum(r["count"] for r in in_base) == pytest.approx(base, abs=1e-9)
            if base > 0:
                assert sum(r["printed"] for r in in_base) == 100
            assert all(r["percentage"] is None for r in rows if not r["in_base"])


def _instrument(seed: int) -> dd.Instrument:
    if seed % 2 == 0:
        return dd.Instrument.doe_democratie_2013()
    return random_instrument(random.Random(10_000 + seed))


@pytest.mark.parametrize("seed", SEEDS)
def test_every_reader_gives_the_survey_written(seed: int, tmp_path: Path) -> None:
    instrument = _instrument(seed)
    g = generate(random.Random(seed), instrument)
    surveys = {name: read(g, tmp_path, instrument) for name, read in READERS.items()}
    reference = surveys["csv_comma"]
    check_truth(reference, g, instrument)
    check_frequencies_sum_to_base(reference, instrument)
    expected_measures = measures(reference, instrument)
    for name, survey in surveys.items():
        assert survey == reference, name
        assert survey.item_summary() == reference.item_summary(), name
        assert measures(survey, instrument) == expected_measures, name
        restored = pickle.loads(pickle.dumps(survey))
        assert restored == reference, name
        assert measures(restored, instrument) == expected_measures, name


@pytest.mark.parametrize("seed", SEEDS)
def test_instruments_round_trip_exactly(seed: int, tmp_path: Path) -> None:
    instrument = _instrument(seed)
    text = instrument.to_json()
    back = dd.Instrument.from_json(text)
    assert back.to_json() == text
    path = tmp_path / "instrument.json"
    instrument.save_json(path)
    assert dd.Instrument.from_json_path(path).to_json() == text
    assert pickle.loads(pickle.dumps(instrument)).to_json() == text
