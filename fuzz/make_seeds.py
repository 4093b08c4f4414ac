"""Writes the committed seeds (fuzz/seeds/) and dictionaries (fuzz/dict/) of the fuzz targets.

The seeds complement the repository files that scripts/fuzz-smoke.sh copies into the corpora at
run time (tests/data/malformed, data/*.csv, the built-in instrument and report specification, the
docs' examples): JSON records cut from the reconstructed data, small CSVs in the shapes Excel and
survey tools write, and one-figure report specifications. The dictionaries hold the CSV/JSON
tokens, the 2013 instrument's column names, codes, labels and ids, and the keys of the instrument
and specification formats. The outputs are committed; rerun after changing the instrument:
python3 fuzz/make_seeds.py
"""
import csv
import io
import json
from pathlib import Path

FUZZ = Path(__file__).parent
ROOT = FUZZ.parent
INSTRUMENT = json.loads((ROOT / "src/instrument/doe_democratie_2013.json").read_text())
SPEC = json.loads((ROOT / "src/report/doe_democratie_2013.json").read_text())
DATA = ROOT / "data/doe_democratie_2013_reconstructed.csv"


def write(target, name, data):
    path = FUZZ / "seeds" / target / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())


def data_rows():
    with DATA.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def cut_csv(rows, n, columns, sep=","):
    out = io.StringIO()
    w = csv.writer(out, delimiter=sep, lineterminator="\n")
    header = rows[0]
    keep = [header.index(c) for c in columns]
    for row in rows[: n + 1]:
        w.writerow([row[i] for i in keep])
    return out.getvalue()


def csv_seeds(rows):
    header = rows[0]
    base = ["respondent_id", "municipality", "role", "inhabitants", "size_class", "province"]
    base = [c for c in base if c in header]
    grid = [c for c in header if c.startswith("strategy_use.")][:4]
    picks = [c for c in header if c.startswith("strategy_most_successful.")][:4]
    cols = base + grid + picks
    # The same municipality answered twice, so consolidation has work to do.
    write("csv", "small.csv", cut_csv(rows, 12, cols))
    write("csv", "small_semicolon_crlf.csv", cut_csv(rows, 6, cols, ";").replace("\n", "\r\n"))
    write("csv", "small_bom.csv", "\ufeff" + cut_csv(rows, 4, cols))
    labels = (
        "respondent_id;municipality;inhabitants;strategy_use.reliable_partner\n"
        "1;GM0001;12000;Vaak, dit is een gangbare praktijk\n"
        "2;GM0001;12000;weet niet\n"
        '3;GM0002;150.000;"4"\n'
    )
    write("csv", "labels_semicolon.csv", labels)
    write("csv", "quoted_newline.csv",
          'respondent_id,municipality,examples\nr1,GM0001,"a\nb ""c"""\nr2,GM0002,\n')


def json_seeds(rows):
    header = rows[0]
    records = []
    for row in rows[1:4]:
        rec = {}
        for name, value in zip(header, row):
            if value == "":
                continue
            if name == "inhabitants" or name.startswith("strategy_most_successful."):
                rec[name] = int(value) if value.isdigit() else value
            else:
                rec[name] = value
        records.append(rec)
    write("json_records", "reconstructed_3.json", json.dumps(records, ensure_ascii=False, indent=1))
    write("json_records", "mixed_types.json", json.dumps([
        {"respondent_id": "r1", "municipality": "GM0001", "inhabitants": 15000,
         "strategy_use.seed_money": 2, "strategy_most_successful.seed_money": True},
        {"respondent_id": 2, "municipality": "GM0002", "inhabitants": "60000",
         "strategy_use.seed_money": "Vaak, dit is een gangbare praktijk",
         "strategy_most_successful.seed_money": 0, "examples": None},
    ]))


def spec_seeds():
    by_id = {f["id"]: f for f in SPEC["figures"]}
    measures = {}
    for f in SPEC["figures"]:
        key = (f["measure"], "by" in f.get("options", {}))
        measures.setdefault(key, f)
    for (measure, by), f in measures.items():
        spec = {"id": "one", "title": "een figuur", "figures": [f]}
        write("report_spec", f"{measure}{'_by' if by else ''}.json", json.dumps(spec, ensure_ascii=False))
    assert by_id


def quote(token):
    out = []
    for b in token.encode():
        if b in (0x22, 0x5C) or b < 0x20 or b > 0x7E:
            out.append(f"\\x{b:02X}")
        else:
            out.append(chr(b))
    return '"' + "".join(out) + '"'


def instrument_tokens():
    tokens = set()
    for q in INSTRUMENT["questions"]:
        items = q.get("items") or q.get("options") or []
        if items:
            tokens.update(f"{q['id']}.{i['id']}" for i in items)
        else:
            tokens.add(q["id"])
    for s in INSTRUMENT["scales"]:
        for c in s.get("categories", []) + s.get("missing", []):
            tokens.update([str(c["code"]), c["id"], c["label_nl"]])
    attrs = INSTRUMENT["attributes"]
    for key in ("roles", "size_classes", "provinces"):
        tokens.update(level["id"] for level in attrs.get(key, []))
    tokens.update(["respondent_id", "municipality", "municipality_name", "role", "inhabitants",
                   "size_class", "province", "GM0001", "GM0002", "150.000", "12000", "weet niet"])
    return tokens


def json_keys(value, keys):
    if isinstance(value, dict):
        for k, v in value.items():
            keys.add(k)
            json_keys(v, keys)
    elif isinstance(value, list):
        for v in value:
            json_keys(v, keys)


def dicts():
    syntax_csv = [",", ";", "\"", "\"\"", "\n", "\r\n", "\r", "\ufeff", "\t"]
    syntax_json = ["[", "]", "{", "}", ":", ",", "\"", "true", "false", "null", "-0", "1e3",
                   "0.99999999999999999", "18446744073709551615", "\\u0000", "\\ud800", "\ufeff"]
    data_tokens = instrument_tokens()
    (FUZZ / "dict").mkdir(exist_ok=True)
    (FUZZ / "dict/csv.dict").write_text(
        "# CSV syntax and the 2013 instrument's columns, codes and labels (fuzz/make_seeds.py)\n"
        + "\n".join(quote(t) for t in syntax_csv + sorted(data_tokens)) + "\n")
    (FUZZ / "dict/json_records.dict").write_text(
        "# JSON syntax and the 2013 instrument's columns, codes and labels (fuzz/make_seeds.py)\n"
        + "\n".join(quote(t) for t in syntax_json + sorted(f'"{t}"' for t in data_tokens)) + "\n")
    for name, doc in (("instrument", INSTRUMENT), ("report_spec", SPEC)):
        keys = set()
        json_keys(doc, keys)
        if name == "report_spec":
            keys.update(["net", "mentions", "frequencies", "by", "groups", "items", "tag", "rules",
                         "overrides", "base", "scale", "substantive", "attribute", "role", "province"])
            keys.update(q["id"] for q in INSTRUMENT["questions"])
        (FUZZ / f"dict/{name}.dict").write_text(
            f"# JSON syntax and the keys of the {name.replace('_', ' ')} format (fuzz/make_seeds.py)\n"
            + "\n".join(quote(t) for t in syntax_json + sorted(f'"{k}"' for k in keys)) + "\n")


rows = data_rows()
csv_seeds(rows)
json_seeds(rows)
spec_seeds()
dicts()
