"""Charts as notebook users see them: ``table.chart()`` displays itself as SVG, parses as XML with
one segment per non-empty category carrying the table's percentage, saves as SVG or PNG, and
refuses what it cannot draw."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import doe_democratie as dd

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def survey() -> dd.Survey:
    return dd.datasets.doe_democratie_2013()


def segments(svg: str) -> list[dict[str, str]]:
    root = ET.fromstring(svg)
    return [dict(r.attrib) for r in root.iter(f"{SVG}rect") if "data-category" in r.attrib]


def test_every_2013_figure_draws_its_rows(survey: dd.Survey) -> None:
    report = dd.ReportSpec.doe_democratie_2013().run(survey)
    for table in report.tables:
        chart = table.chart()
        segs = segments(chart.svg)
        drawn = [
            r for r in table.rows
            if r["in_base"] and r["percentage"] is not None and r["percentage"] > 0
        ]
        assert len(segs) == len(drawn), table.id
        by_key = {(s["data-item"], s["data-group"], s["data-category"]): s for s in segs}
        for r in drawn:
            seg = by_key[(r["item"] or "", r["group"], r["category"])]
            assert float(seg["data-percentage"]) == pytest.approx(r["percentage"], abs=1e-9)
            assert int(seg["data-printed"]) == r["printed"]


def test_chart_displays_itself_as_svg(survey: dd.Survey) -> None:
    table = survey.frequencies("strategy_use")
    chart = table.chart(width=600)
    assert chart._repr_svg_() == chart.svg
    root = ET.fromstring(chart.svg)
    assert root.attrib["width"] == "600"
    assert float(root.attrib["height"]) == chart.height
    assert chart.width == 600.0
    assert repr(chart).startswith("<Chart 600 × ")


def test_kinds_and_languages(survey: dd.Survey) -> None:
    table = survey.frequencies("strategy_use", lang="en")
    svg = table.chart(kind="diverging").svg
    texts = [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "Often, this is common practice" in texts
    assert any(t.startswith("n = number of municipalities") for t in texts)
    with pytest.raises(dd.RenderError, match="use kind 'bars'"):
        survey.mentions("forms_most_typical").chart(kind="stacked")
    with pytest.raises(dd.UnknownIdError):
        table.chart(kind="pie")  # type: ignore[arg-type]
    with pytest.raises(dd.RenderError, match="width"):
        table.chart(width=50)


def test_whiskers_with_inference(survey: dd.Survey) -> None:
    t = survey.net_shares("strategy_use", "top2", by="size_class", ci="logit")
    root = ET.fromstring(t.chart().svg)
    with_interval = sum(1 for r in t.rows if r.get("upper") is not None)
    assert with_interval > 0
    lines = list(root.iter(f"{SVG}line"))
    assert len(lines) >= 3 * with_interval


def test_save_svg_and_png(survey: dd.Survey, tmp_path: Path) -> None:
    chart = survey.frequencies("attention_level").chart()
    chart.save(tmp_path / "a.svg")
    assert (tmp_path / "a.svg").read_text(encoding="utf-8") == chart.svg
    chart.save(str(tmp_path / "a.png"))
    png = (tmp_path / "a.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png == chart.to_png(scale=2.0)
    # The PNG is twice the SVG's size: width and height from the IHDR chunk.
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (round(2 * chart.width), round(2 * chart.height))
    with pytest.raises(dd.InvalidArgumentError, match="does not end in"):
        chart.save(tmp_path / "a.pdf")


def test_save_refuses_links_and_folders(survey: dd.Survey, tmp_path: Path) -> None:
    chart = survey.frequencies("attention_level").chart()
    outside = tmp_path / "outside.svg"
    outside.write_text("keep", encoding="utf-8")
    inside = tmp_path / "chosen"
    inside.mkdir()
    os.symlink(outside, inside / "c.svg")
    with pytest.raises(dd.InvalidArgumentError, match="symbolic link"):
        chart.save(inside / "c.svg")
    assert outside.read_text(encoding="utf-8") == "keep"
    (inside / "d.svg").mkdir()
    with pytest.raises(IsADirectoryError):
        chart.save(inside / "d.svg")
