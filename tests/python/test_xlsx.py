"""Excel workbooks (`Table.to_xlsx`, `Report.to_xlsx`, `report --xlsx`), read back with openpyxl
and checked cell by cell against the Tables' own numbers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import doe_democratie as dd

openpyxl = pytest.importorskip("openpyxl")

#: The grid's header row and first data row (1-based, as openpyxl counts).
HEADER, FIRST = 3, 4


@pytest.fixture(scope="module")
def survey() -> dd.Survey:
    return dd.datasets.doe_democratie_2013()


@pytest.fixture(scope="module")
def report(survey: dd.Survey) -> dd.Report:
    return dd.ReportSpec.doe_democratie_2013().run(survey)


@pytest.fixture(scope="module")
def workbook(report: dd.Report, tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    report.to_xlsx(path)
    return openpyxl.load_workbook(path)


def header(sheet: Any) -> list[Any]:
    return [c.value for c in sheet[HEADER]]


def share(r: Any) -> float | None:
    """The value a percentage cell must hold: the exact percentage over 100."""
    return None if r["percentage"] is None else float(r["percentage"]) / 100


def group_labels(table: dd.Table) -> dict[str, str]:
    labels: dict[str, str] = json.loads(table.to_json())["labels"].get("groups", {})
    return labels


def numbers_in_grid(sheet: Any, columns: int) -> int:
    """Numeric cells of the grid (from the first data row to the first empty row)."""
    n = 0
    for row in sheet.iter_rows(min_row=FIRST, max_col=columns):
        if all(c.value is None for c in row):
            break
        n += sum(isinstance(c.value, (int, float)) for c in row)
    return n


def check_matrix(sheet: Any, table: dd.Table) -> int:
    """Frequencies and nets: every row's share in its category's column, its base under n, rows
    outside the base as counts; returns the numbers checked."""
    groups = group_labels(table)
    by = len({r["group"] for r in table.rows}) > 1
    head = header(sheet)
    assert head[0] == "Item"
    if by:
        assert head[1] == "Groep"
    keys = list(dict.fromkeys((r["item"], r["group"]) for r in table.rows))
    line = {key: FIRST + i for i, key in enumerate(keys)}
    n_col = head.index("n") + 1
    checked = 0
    for r in table.rows:
        at = line[(r["item"], r["group"])]
        label = sheet.cell(at, 1).value
        if r["item_label"] is not None:
            assert label == r["item_label"]
        elif not by:
            assert label == groups[r["group"]]
        if by:
            assert sheet.cell(at, 2).value == groups[r["group"]]
        if r["in_base"]:
            cell = sheet.cell(at, head.index(r["category_label"]) + 1)
            if r["percentage"] is None:
                assert cell.value is None
            else:
                assert cell.value == share(r), (table.id, r)
                assert cell.number_format == "0.0%"
                checked += 1
            assert sheet.cell(at, n_col).value == r["base"]
        else:
            cell = sheet.cell(at, head.index(f"{r['category_label']} (aantal)") + 1)
            assert cell.value == r["count"], (table.id, r)
            assert head.index(f"{r['category_label']} (aantal)") + 1 > n_col
            checked += 1
    # Nothing else: the shares and counts checked, plus one n per line.
    assert sheet.cell(FIRST + len(keys), 1).value is None
    assert numbers_in_grid(sheet, len(head)) == checked + len(keys)
    return checked


def check_ranked(sheet: Any, table: dd.Table) -> int:
    """Mentions: one line per row in the table's order ([group,] rank, option, count, share, n)."""
    groups = group_labels(table)
    by = len({r["group"] for r in table.rows}) > 1
    head = ["Rang", "Optie", "Aantal", "Percentage", "n"]
    assert header(sheet)[: 5 + by] == ["Groep"] * by + head
    for i, r in enumerate(table.rows):
        line = [c.value for c in sheet[FIRST + i]][: 5 + by]
        expected = [r["rank"], r["item_label"], r["count"], share(r), r["base"]]
        assert line == [groups[r["group"]]] * by + expected, (table.id, r)
        assert sheet.cell(FIRST + i, 4 + by).number_format == "0.0%"
    assert sheet.cell(FIRST + len(table.rows), 1).value is None
    assert numbers_in_grid(sheet, 5 + by) == 4 * len(table.rows)
    return len(table.rows)


def test_every_figure_of_the_2013_report_holds_the_tables_numbers(
    report: dd.Report, workbook: Any
) -> None:
    ids = [t.id for t in report.tables]
    assert workbook.sheetnames == ["Inhoud", *ids]
    checked = 0
    for table in report.tables:
        sheet = workbook[table.id]
        assert sheet["A1"].value == table.title
        by = len({r["group"] for r in table.rows}) > 1
        labels = (2 if table.measure == "mentions" else 1) + by
        assert sheet.freeze_panes == "BCD"[labels - 1] + "4"  # the label columns and the header
        if table.measure == "mentions":
            checked += check_ranked(sheet, table)
        else:
            checked += check_matrix(sheet, table)
        notes = [c.value for c in sheet["A"] if isinstance(c.value, str)]
        unit = "gemeenten" if table.rows[0]["unit"] == "municipality" else "respondenten"
        assert any(n.startswith("n = ") and unit in n for n in notes), (table.id, notes)
    assert checked == sum(
        1 for t in report.tables for r in t.rows if r["percentage"] is not None or not r["in_base"]
    )
    assert checked > 900


def test_the_index_links_every_figure(report: dd.Report, workbook: Any) -> None:
    index = workbook["Inhoud"]
    assert index["A1"].value == report.spec.title
    assert [c.value for c in index[HEADER]] == ["Figuur", "Titel", "Maat", "Eenheid"]
    for i, table in enumerate(report.tables):
        id_cell = index.cell(FIRST + i, 1)
        assert id_cell.value == table.id
        assert id_cell.hyperlink is not None
        assert id_cell.hyperlink.location in (f"{table.id}!A1", f"'{table.id}'!A1")
        assert index.cell(FIRST + i, 2).value == table.title
        assert index.cell(FIRST + i, 3).value == table.measure
    # And every figure's sheet links back.
    sheet = workbook["fig_3_3"]
    back = [c for c in sheet["A"] if c.hyperlink is not None]
    assert len(back) == 1 and back[0].hyperlink.location == "Inhoud!A1"


def test_weet_niet_outside_the_base_is_a_count_after_n(workbook: Any, report: dd.Report) -> None:
    sheet = workbook["fig_3_3"]
    head = header(sheet)
    assert head[:6] == ["Item", "Vaak, dit is een gangbare praktijk", "Met enige regelmaat",
                        "Soms, op beperkte schaal", "Niet", "n"]
    assert head[6] == "Weet niet (aantal)"
    seed = report.table("fig_3_3").find("seed_money", "all", "often")
    assert seed is not None and seed["item_label"] is not None
    at = next(c.row for c in sheet["A"] if c.value == seed["item_label"])
    assert [c.value for c in sheet[at]][5:7] == [82, 16]


def test_a_table_with_intervals_has_its_bounds(survey: dd.Survey, tmp_path: Path) -> None:
    table = survey.net_shares("strategy_use", "top2", by="size_class", ci="logit")
    path = tmp_path / "net.xlsx"
    table.to_xlsx(path)
    sheet = openpyxl.load_workbook(path).active
    head = header(sheet)
    label = table.rows[0]["category_label"]
    assert head == ["Item", "Groep", label, "n", f"{label} ondergrens", f"{label} bovengrens"]
    groups = group_labels(table)
    for i, r in enumerate(table.rows):  # one line per item and group, in the table's order
        line = [c.value for c in sheet[FIRST + i]]
        assert line[:2] == [r["item_label"], groups[r["group"]]]
        assert line[2] == share(r) and line[3] == r["base"]
        assert line[4:] == [r["lower"], r["upper"]]
        lower, upper = r["lower"], r["upper"]
        assert lower is not None and upper is not None and lower < line[2] < upper
        assert sheet.cell(FIRST + i, 5).number_format == "0.0%"
    notes = [c.value for c in sheet["A"] if isinstance(c.value, str)]
    assert table.inference is not None
    assert any(table.inference["design"] in n and "logit" in n for n in notes)


def test_frequencies_and_mentions_with_intervals(survey: dd.Survey, tmp_path: Path) -> None:
    t = survey.frequencies("strategy_use", items=["seed_money"], ci="wilson", lang="en")
    t.to_xlsx(tmp_path / "f.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "f.xlsx").active
    head = header(sheet)
    dont_know = t.find("seed_money", "all", "dont_know")
    assert dont_know is not None and not dont_know["in_base"]
    assert head[0] == "Item" and head.index(f"{dont_know['category_label']} (count)") > head.index("n")
    for r in t.rows:
        if r["in_base"]:
            assert sheet.cell(FIRST, head.index(r["category_label"]) + 1).value == share(r)
            lower = sheet.cell(FIRST, head.index(f"{r['category_label']} lower") + 1).value
            upper = sheet.cell(FIRST, head.index(f"{r['category_label']} upper") + 1).value
            assert (lower, upper) == (r["lower"], r["upper"])
    m = survey.mentions("support_provider", ci="wilson")
    m.to_xlsx(tmp_path / "m.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "m.xlsx").active
    assert header(sheet) == ["Rang", "Optie", "Aantal", "Percentage", "n", "Ondergrens",
                             "Bovengrens"]
    for i, r in enumerate(m.rows):
        assert [c.value for c in sheet[FIRST + i]][5:] == [r["lower"], r["upper"]]


def test_mean_scores_are_scores(survey: dd.Survey, tmp_path: Path) -> None:
    t = survey.mean_scores("strategy_use", rules={"strategy_use": "median"}, ci="wald")
    t.to_xlsx(tmp_path / "mean.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "mean.xlsx").active
    assert header(sheet) == ["Item", "Gemiddelde score", "n", "Gemiddelde score ondergrens",
                             "Gemiddelde score bovengrens"]
    for i, r in enumerate(t.rows):
        line = [c.value for c in sheet[FIRST + i]]
        assert line == [r["item_label"], r["estimate"], r["base"], r["lower"], r["upper"]]
        assert sheet.cell(FIRST + i, 2).number_format == "0.00"


def test_sheet_name_of_a_measure_table_is_made_valid(survey: dd.Survey, tmp_path: Path) -> None:
    t = survey.frequencies("attention_level")
    assert t.id == "frequencies:attention_level"
    t.to_xlsx(tmp_path / "t.xlsx")
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames == ["frequencies_attention_level"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_symbolic_link_is_refused(report: dd.Report, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.xlsx"
    link = tmp_path / "report.xlsx"
    link.symlink_to(target)
    with pytest.raises(dd.InvalidArgumentError, match="symbolic link") as info:
        report.to_xlsx(link)
    assert info.value.name == "path"
    with pytest.raises(dd.InvalidArgumentError):
        report.table("fig_3_3").to_xlsx(str(link))
    assert not target.exists()


def test_bad_paths_raise_os_errors(report: dd.Report, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as missing:
        report.to_xlsx(tmp_path / "no" / "such" / "folder.xlsx")
    assert missing.value.filename == str(tmp_path / "no" / "such" / "folder.xlsx")
    with pytest.raises(IsADirectoryError):
        report.to_xlsx(tmp_path)
    with pytest.raises(TypeError):
        report.to_xlsx(42)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "doe_democratie", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def test_cli_writes_the_workbook(tmp_path: Path, report: dd.Report) -> None:
    out = tmp_path / "report"
    book = out / "report.xlsx"  # inside --out, which is written first
    done = run("report", "--out", str(out), "--xlsx", str(book))
    assert done.returncode == 0, done.stderr
    assert f"wrote the workbook {book}" in done.stdout
    opened = openpyxl.load_workbook(book)
    assert opened.sheetnames == ["Inhoud", *(t.id for t in report.tables)]
    # The command line puts every figure's chart in its sheet.
    assert all(len(opened[t.id]._images) == 1 for t in report.tables)


def test_cli_with_an_unwritable_workbook_exits_2(tmp_path: Path) -> None:
    done = run("report", "--out", str(tmp_path / "o"), "--xlsx", str(tmp_path / "no" / "r.xlsx"))
    assert done.returncode == 2
    assert "error:" in done.stderr and "No such file" in done.stderr
    assert "Traceback" not in done.stderr


def test_charts_sit_under_each_figure_as_images(report: dd.Report, tmp_path: Path) -> None:
    report.to_xlsx(tmp_path / "charts.xlsx", charts=True)
    book = openpyxl.load_workbook(tmp_path / "charts.xlsx")
    assert book.sheetnames == ["Inhoud", *(t.id for t in report.tables)]
    assert book["Inhoud"]._images == []
    for table in report.tables:
        sheet = book[table.id]
        images = sheet._images
        assert len(images) == 1, table.id
        # The image is the chart's PNG at twice its size, anchored under the sheet's last text.
        png = table.chart(title=False).to_png(scale=2.0)
        assert images[0]._data() == png, table.id
        last_text = max(c.row for col in sheet.iter_cols() for c in col if c.value is not None)
        assert images[0].anchor._from.row + 1 > last_text, table.id
    # Without charts=True a workbook has no images; a mean-score table has no chart to add.
    means = dd.datasets.doe_democratie_2013().mean_scores("strategy_use")
    means.to_xlsx(tmp_path / "mean.xlsx", charts=True)
    assert openpyxl.load_workbook(tmp_path / "mean.xlsx").active._images == []
    report.to_xlsx(tmp_path / "plain.xlsx")
    assert all(s._images == [] for s in openpyxl.load_workbook(tmp_path / "plain.xlsx"))
