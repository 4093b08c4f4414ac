"""The benchmark workload (WORKLOAD.md sections dist, top2, flag) with doe_democratie."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import doe_democratie as dd

ROOT = Path(__file__).resolve().parents[1]
INSTRUMENT_PATH = ROOT / "tests" / "data" / "workload_instrument.json"
# WORKLOAD.md step a: occurrence items 'ja if any ja', every other grid the floored median.
RULES = {"occ": "any_yes", **{q: "median" for q in ["att", "chg", "strat", "chal", "need"]}}
COLUMNS = ["section", "item", "group", "category", "n", "count", "pct"]


def instrument() -> dd.Instrument:
    return dd.Instrument.from_json(INSTRUMENT_PATH.read_text(encoding="utf-8"))


def library_name(column: str) -> str:
    """gen.py's column name as the instrument has it: `occ_1` → `occ.1`, `municipality_id` → `municipality`."""
    if column == "municipality_id":
        return "municipality"
    prefix, _, item = column.rpartition("_")
    if prefix and item.isdigit() and column != "respondent_id":
        return f"{prefix}.{item}"
    return column


def measures(survey: dd.Survey) -> list[tuple[str, Any]]:
    """Every table of the workload: (section, table)."""
    spec = json.loads(INSTRUMENT_PATH.read_text(encoding="utf-8"))
    tables = []
    for q in spec["questions"]:
        if q["kind"] == "grid":
            tables.append(("dist", survey.frequencies(q["id"], by="size_class", rules=RULES)))
            if q["scale"] != "occurrence":
                tables.append(("top2", survey.net_shares(q["id"], "top2", by="size_class", rules=RULES)))
        else:
            tables.append(("flag", survey.mentions(q["id"], by="size_class")))
    return tables


def rows(tables: list[tuple[str, Any]]) -> list[tuple]:
    spec = json.loads(INSTRUMENT_PATH.read_text(encoding="utf-8"))
    code = {(s["id"], c["id"]): str(c["code"]) for s in spec["scales"] for c in s["categories"]}
    scale_of = {q["id"]: q.get("scale") for q in spec["questions"]}
    out = []
    for section, table in tables:
        for r in table.rows:
            if not r["in_base"]:
                continue
            category = {"dist": lambda: code[(scale_of[r["question"]], r["category"])],
                        "top2": lambda: "top2", "flag": lambda: "1"}[section]()
            pct = r["percentage"] if r["percentage"] is not None else float("nan")
            out.append((section, f"{r['question']}_{r['item']}", r["group"], category,
                        int(r["base"]), int(r["count"]), pct))
    return out
