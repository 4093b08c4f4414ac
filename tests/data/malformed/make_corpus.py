"""Writes the malformed-input corpus and its manifest (expected.json).

Each file has exactly one fault, except multiple_faults.csv which has several (for lenient mode).
Byte-level details (BOM, CRLF, Windows-1252, UTF-16) are why this is a script and not hand-made
files; the files are committed, so tests never run this. Rerun: python3 make_corpus.py
"""
import json
from pathlib import Path

HERE = Path(__file__).parent
H = "respondent_id,municipality,inhabitants,size_class,province,forms_occurrence.social_entrepreneurship,strategy_use.seed_money"
OK1 = "r1,GM0001,15000,lt_20k,utrecht,1,2"
OK2 = "r2,GM0002,60000,50k_100k,limburg,Nee,9"

cases = []  # (file, bytes, expected problems [(kind,row,column,value)])


def csv(name, lines, expected, *, sep=",", bom=False, crlf=False, encoding="utf-8"):
    text = ("\r\n" if crlf else "\n").join(l.replace(",", sep) for l in lines) + ("\r\n" if crlf else "\n")
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    cases.append((name, data, expected))


def js(name, value, expected, raw=None):
    data = (raw if raw is not None else json.dumps(value, ensure_ascii=False, indent=1)).encode()
    cases.append((name, data, expected))


def rec(rid, muni, **cols):
    return {"respondent_id": rid, "municipality": muni, **cols}


csv("unknown_column.csv", [H + ",strategy_use.seed_monie", OK1 + ",1", OK2 + ",2"],
    [("unknown_column", 1, "strategy_use.seed_monie", None)])
csv("missing_respondent_id_column.csv",
    ["municipality,strategy_use.seed_money", "GM0001,1", "GM0002,2"],
    [("missing_column", 1, "respondent_id", None)])
csv("invalid_code.csv", [H, OK1, "r2,GM0002,60000,50k_100k,limburg,2,7"],
    [("invalid_code", 3, "strategy_use.seed_money", "7")])
csv("invalid_label.csv", [H, OK1, "r2,GM0002,60000,50k_100k,limburg,Misschien,1"],
    [("invalid_code", 3, "forms_occurrence.social_entrepreneurship", "Misschien")])
csv("too_many_picks.csv",
    ["respondent_id,municipality,strategy_most_successful.seed_money,strategy_most_successful.reliable_partner,"
     "strategy_most_successful.seek_win_win,strategy_most_successful.initiative_desk",
     "r1,GM0001,1,1,1,0", "r2,GM0002,1,1,1,1"],
    [("too_many_picks", 3, "strategy_most_successful", None)])
csv("duplicate_respondent.csv", [H, OK1, OK2, "r1,GM0003,25000,20k_50k,drenthe,1,1"],
    [("duplicate_respondent", 4, "respondent_id", "r1")])
csv("missing_municipality.csv", [H, OK1, "r2,,60000,50k_100k,limburg,2,1"],
    [("missing_municipality", 3, "municipality", None)])
csv("inhabitants_not_a_number.csv", [H, OK1, "r2,GM0002,12.5k,20k_50k,limburg,2,1"],
    [("invalid_inhabitants", 3, "inhabitants", "12.5k")])
csv("size_class_contradiction.csv", [H, "r1,GM0001,150000,lt_20k,utrecht,1,2", OK2],
    [("invalid_size_class", 2, "size_class", "lt_20k")])
csv("invalid_province.csv", [H, OK1, "r2,GM0002,60000,50k_100k,Vlaanderen,2,1"],
    [("invalid_attribute", 3, "province", "Vlaanderen")])
csv("duplicate_column.csv",
    ["respondent_id,municipality,strategy_use.seed_money,strategy_use.seed_money", "r1,GM0001,1,1"],
    [("duplicate_column", 1, "strategy_use.seed_money", None)])
csv("inconsistent_municipality.csv", [H, OK1, "r2,GM0001,16000,lt_20k,utrecht,1,3"],
    [("inconsistent_municipality", 3, "inhabitants", "16000")])
csv("ragged_row.csv", [H, OK1, "r2,GM0002,60000,50k_100k,limburg,2,1,extra"],
    [("malformed", 3, None, None)])
csv("windows1252.csv",
    ["respondent_id,municipality,municipality_name,strategy_use.seed_money", "r1,GM0001,Súdwest-Fryslân,1",
     "r2,GM0002,‘s-Hertogenbosch,2"],
    [("encoding", 2, None, "0xFA")], encoding="cp1252")
csv("utf16.csv", [H, OK1], [("encoding", 1, None, None)], encoding="utf-16")
csv("dutch_excel_invalid_code.csv", [H, OK1, "r2,GM0002,60000,50k_100k,limburg,2,Vaak!"],
    [("invalid_code", 3, "strategy_use.seed_money", "Vaak!")], sep=";", bom=True, crlf=True)
csv("multiple_faults.csv",
    [H + ",bogus", OK1 + ",", "r2,GM0002,abc,50k_100k,limburg,5,1,", "r1,GM0003,25000,20k_50k,drenthe,1,1,",
     "r4,,25000,20k_50k,drenthe,1,1,", "r5,GM0005,30000,20k_50k,drenthe,1,sometimes,"],
    [("unknown_column", 1, "bogus", None), ("invalid_inhabitants", 3, "inhabitants", "abc"),
     ("invalid_code", 3, "forms_occurrence.social_entrepreneurship", "5"),
     ("duplicate_respondent", 4, "respondent_id", "r1"), ("missing_municipality", 5, "municipality", None)])

js("missing_municipality_column.json", [{"respondent_id": "r1", "strategy_use.seed_money": 1}],
   [("missing_column", 1, "municipality", None)])
js("invalid_flag.json",
   [rec("r1", "GM0001", **{"strategy_most_successful.seed_money": 1}),
    rec("r2", "GM0002", **{"strategy_most_successful.seed_money": 2})],
   [("invalid_code", 2, "strategy_most_successful.seed_money", "2")])
js("inhabitants_negative.json",
   [rec("r1", "GM0001", inhabitants=15000), rec("r2", "GM0002", inhabitants=-500)],
   [("invalid_inhabitants", 2, "inhabitants", "-500")])
js("not_an_array.json", {"respondent_id": "r1"}, [("malformed", None, None, None)])
js("syntax_error.json", None, [("malformed", 3, None, None)],
   raw='[\n {"respondent_id": "r1", "municipality": "GM0001"},\n {"respondent_id": "r2" "municipality": "GM0002"}\n]\n')
js("invalid_code.json",
   [rec("r1", "GM0001", **{"attention_level.municipal_council": "Veel aandacht"}),
    rec("r2", "GM0002", **{"attention_level.municipal_council": "Geen idee"})],
   [("invalid_code", 2, "attention_level.municipal_council", "Geen idee")])
js("nested_value.json",
   [rec("r1", "GM0001", **{"strategy_use.seed_money": [1, 2]})],
   [("malformed", 1, "strategy_use.seed_money", "[1,2]")])
js("duplicate_respondent.json",
   [rec("r1", "GM0001"), rec("r1", "GM0002")],
   [("duplicate_respondent", 2, "respondent_id", "r1")])
js("too_many_picks.json",
   [rec("r1", "GM0001", **{f"forms_most_typical.{f}": 1 for f in
                            ["self_management_public_space", "social_entrepreneurship", "new_networks_coalitions"]})],
   [("too_many_picks", 1, "forms_most_typical", None)])

manifest = []
for name, data, expected in cases:
    (HERE / name).write_bytes(data)
    manifest.append({"file": name, "problems": [
        {"kind": k, "row": r, "column": c, "value": v} for k, r, c, v in expected]})
(HERE / "expected.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
print(f"{len(cases)} files")
