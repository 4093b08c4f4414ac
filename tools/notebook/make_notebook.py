"""Writes examples/doe_democratie_2013.ipynb from the cells below, without outputs.

The notebook is committed without outputs (so it never shows results older than the code); CI
executes it (`tests/python/test_notebook.py`). Edit the cells here and rerun:

    python tools/notebook/make_notebook.py
"""

from __future__ import annotations

import json
from pathlib import Path

CELLS: list[tuple[str, str]] = [
    ("markdown", """\
# The 2013 'doe-democratie' survey, step by step

In 2013 the Ministry of the Interior (BZK) asked 408 municipalities about the *doe-democratie*;
126 respondents from 98 municipalities answered. This notebook walks through the analysis with
`doe_democratie`: load and validate the answers, consolidate them to one answer pattern per
municipality, draw a figure of the report, break it down by size class with intervals and a
test, and export the tables to Excel.

**The bundled data are a synthetic reconstruction** of the microdata (which are not public):
invented municipalities whose aggregates reproduce every published number of the report."""),
    ("code", """\
from pathlib import Path

import doe_democratie as dd

DATA = Path("..") / "data" / "doe_democratie_2013_reconstructed.csv"
survey = dd.Survey.from_csv(DATA)  # strict: stops at the first problem
survey"""),
    ("markdown", """\
## Validate

Strict reading refuses a file with any problem; lenient reading keeps every valid value and lists
the rest with file, row, column and value. Here a copy of the data with two bad cells:"""),
    ("code", """\
import tempfile

lines = DATA.read_text(encoding="utf-8").splitlines()
header = lines[0].split(",")
column = header.index("strategy_use.seed_money")
bad = lines[1].split(",")
bad[column] = "7"  # no code of the frequency scale
broken = "\\n".join([lines[0], ",".join(bad), *lines[2:]]) + "\\n"

folder = Path(tempfile.mkdtemp())
(folder / "broken.csv").write_text(broken, encoding="utf-8")
try:
    dd.Survey.from_csv(folder / "broken.csv")
except dd.ValidationError as e:
    print(e)

lenient = dd.Survey.from_csv(folder / "broken.csv", strict=False)
[str(p) for p in lenient.problems]"""),
    ("markdown", """\
## Consolidate

Several respondents of one municipality may answer; the report counts one answer pattern per
municipality. `consolidated()` shows the municipality-level data the measures work on."""),
    ("code", """\
municipalities = survey.consolidated()
municipalities.to_pandas().iloc[:5, :8]"""),
    ("markdown", """\
## A figure of the report

Figure 3.3: the 'facilitating' strategies. The table holds every count, base and percentage; the
chart is drawn in Rust as SVG, in the report's style, with the instrument's short labels."""),
    ("code", """\
fig_3_3 = survey.frequencies("strategy_use", tag=("rung", "facilitating"))
fig_3_3.chart(title=False)"""),
    ("code", """\
fig_3_3.to_pandas()[["item_label", "category_label", "count", "base", "printed"]].head(8)"""),
    ("markdown", """\
## A breakdown with intervals and a test

The share of municipalities that use each strategy often or regularly (top-2), by size class, with
logit intervals for a simple random sample from the 408 municipalities (finite-population
correction) and a Rao–Scott test per strategy. Letters mark groups a group significantly
exceeds."""),
    ("code", """\
by_size = survey.net_shares(
    "strategy_use", "top2", by="size_class",
    frame=dd.Frame.municipalities_2013(), ci="logit", test="rao_scott",
)
by_size.chart()"""),
    ("code", """\
tests = by_size.inference["tests"]
[(t["item"], round(t["p_value"], 4)) for t in tests]"""),
    ("markdown", """\
## The whole report, and Excel

The report specification runs every figure; the workbook holds one formatted sheet per figure
(percentages as numbers) and an index."""),
    ("code", """\
report = dd.ReportSpec.doe_democratie_2013().run(survey)
workbook = folder / "doe_democratie_2013.xlsx"
report.to_xlsx(workbook, charts=True)
print(workbook, workbook.stat().st_size, "bytes")
report"""),
]


def notebook() -> dict[str, object]:
    cells = []
    for i, (kind, text) in enumerate(CELLS):
        cell: dict[str, object] = {
            "cell_type": kind,
            "id": f"cell-{i:02d}",
            "metadata": {},
            "source": text.splitlines(keepends=True),
        }
        if kind == "code":
            cell["execution_count"] = None
            cell["outputs"] = []
        cells.append(cell)
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def main() -> None:
    root = Path(__file__).resolve().parents[2]
    out = root / "examples" / "doe_democratie_2013.ipynb"
    out.write_text(json.dumps(notebook(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
