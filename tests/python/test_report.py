"""ReportSpec and Report through Python: the 2013 report as code, JSON round trip, writing the
tables, HTML and pickling."""

from __future__ import annotations

import copy
import io
import json
import pickle
from pathlib import Path

import pytest

import doe_democratie as dd
from doe_democratie import datasets
from doe_democratie.__main__ import EXIT_ERROR, main


@pytest.fixture(scope="module")
def survey() -> dd.Survey:
    return datasets.doe_democratie_2013()


@pytest.fixture(scope="module")
def spec() -> dd.ReportSpec:
    return dd.ReportSpec.doe_democratie_2013()


@pytest.fixture(scope="module")
def report(spec: dd.ReportSpec, survey: dd.Survey) -> dd.Report:
    return spec.run(survey)


def test_spec(spec: dd.ReportSpec) -> None:
    ids = spec.figure_ids()
    assert ids[:2] == ["fig_2_2", "fig_2_3"]
    assert {"fig_3_3", "fig_4_2"} <= set(ids)
    assert len(spec) == len(ids)
    assert spec.id == "doe_democratie_2013"
    assert "doe-democratie" in spec.title
    assert repr(spec) == f"<ReportSpec 'doe_democratie_2013': {len(ids)} figures>"


def test_spec_json_round_trip(spec: dd.ReportSpec) -> None:
    text = spec.to_json()
    assert dd.ReportSpec.from_json(text) == spec
    data = json.loads(text)
    data["figures"] = [f for f in data["figures"] if f["id"] == "fig_4_2"]
    data["id"] = "mine"
    mine = dd.ReportSpec.from_json(json.dumps(data))
    assert mine.figure_ids() == ["fig_4_2"] and mine != spec
    with pytest.raises(dd.InvalidArgumentError) as info:
        dd.ReportSpec.from_json('{"id": "x", "title": "y", "figures": [}')
    assert info.value.name == "spec"
    assert "invalid report specification (line 1" in str(info.value)


def test_spec_that_does_not_fit_the_survey(survey: dd.Survey) -> None:
    text = json.dumps({
        "id": "x",
        "title": "x",
        "figures": [{"id": "f1", "title": "t", "question": "strategy_use", "measure": "mentions"}],
    })
    with pytest.raises(dd.InvalidArgumentError, match="figure 'f1'"):
        dd.ReportSpec.from_json(text).run(survey)


def test_report_tables(report: dd.Report, spec: dd.ReportSpec) -> None:
    assert [t.id for t in report.tables] == spec.figure_ids()
    assert len(report) == len(spec)
    assert report.spec == spec
    fig = report.table("fig_3_3")
    assert isinstance(fig, dd.Table)
    assert fig.find("seed_money", "all", "not_at_all")["printed"] == 57  # type: ignore[index]
    vng = report.table("fig_4_2").find("vng", "all", "mentioned")
    assert vng is not None and (vng["count"], vng["base"]) == (71, 126)
    with pytest.raises(dd.UnknownIdError, match="fig_9_9"):
        report.table("fig_9_9")
    assert repr(report) == f"<Report 'doe_democratie_2013': {len(spec)} tables>"


def test_report_write_dir(report: dd.Report, tmp_path: Path) -> None:
    out = tmp_path / "nested" / "report"
    written = report.write_dir(out)
    assert "fig_3_3.csv" in written and "report.json" in written and "index.html" in written
    assert sorted(p.name for p in out.iterdir()) == sorted(written)
    assert (out / "fig_3_3.csv").read_text(encoding="utf-8") == report.table("fig_3_3").to_csv()
    saved = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(saved["tables"]) == len(report)
    assert (out / "index.html").read_text(encoding="utf-8") == report.to_html()
    # write_dir accepts str too, and a file in the way is an OSError.
    assert report.write_dir(str(tmp_path / "again")) == written
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OSError):
        report.write_dir(blocker / "sub")


def test_report_html(report: dd.Report) -> None:
    page = report.to_html()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page.count('<section class="figure"') == len(report)
    assert page.count('" data-figure="') == len(report)  # one entry in the contents per figure
    assert "synthetische reconstructie" in page
    html = report._repr_html_()
    assert html.startswith('<div class="doe-democratie-report">')
    # The notebook view lists every figure but shows only the first three, capped: a bounded
    # cell instead of the whole page (about 140,000 characters).
    assert html.count("<section") == 3 and "more tables" in html
    assert all(f"<code>{t.id}</code>" in html for t in report.tables)
    assert len(html) < 40_000 < len(page)
    first = html[html.index("<section"):]
    assert "more rows" in first or all(len(t) <= 30 for t in report.tables[:3])


def test_report_html_templates_and_errors(report: dd.Report, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "title.html").write_text(
        "<h1>Eigen rapport: {{ figures|length }} figuren</h1>", encoding="utf-8"
    )
    page = report.to_html(template_dir=templates, data_source="enquete <2025>.csv")
    assert f"<h1>Eigen rapport: {len(report)} figuren</h1>" in page
    assert "Gegevens van dit rapport: enquete &lt;2025&gt;.csv" in page
    out = tmp_path / "out"
    report.write_dir(out, template_dir=str(templates))
    assert "<h1>Eigen rapport:" in (out / "index.html").read_text(encoding="utf-8")

    (templates / "figure.html").write_text("ok\n{% if %}", encoding="utf-8")
    with pytest.raises(dd.RenderError, match=r"figure\.html', line 2: syntax error") as e:
        report.to_html(template_dir=templates)
    assert e.value.what == "html"
    with pytest.raises(dd.RenderError):
        report.write_dir(tmp_path / "never", template_dir=templates)
    assert not (tmp_path / "never").exists()
    with pytest.raises(TypeError):
        report.to_html(templates)  # type: ignore[call-arg]


@pytest.mark.parametrize("protocol", [0, pickle.DEFAULT_PROTOCOL, pickle.HIGHEST_PROTOCOL])
def test_pickle(report: dd.Report, spec: dd.ReportSpec, protocol: int) -> None:
    again = pickle.loads(pickle.dumps(report, protocol=protocol))
    assert isinstance(again, dd.Report) and again == report
    assert again.table("fig_3_3").rows == report.table("fig_3_3").rows
    assert pickle.loads(pickle.dumps(spec, protocol=protocol)) == spec
    assert copy.deepcopy(report) == report


def test_reports_in_worker_processes(spec: dd.ReportSpec, survey: dd.Survey) -> None:
    """Spec, survey and report cross process boundaries (pickling through serde JSON)."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        got = pool.apply(dd.ReportSpec.run, (spec, survey))
    assert got == spec.run(survey)


def test_datasets_module() -> None:
    assert datasets.__all__ == ["doe_democratie_2013"]
    assert dd.datasets is datasets
    with pytest.raises(dd.UnknownIdError):
        dd._core._dataset("nope")  # type: ignore[arg-type]


def _one_figure(figure: dict[str, object]) -> str:
    return json.dumps({"id": "s", "title": "s", "figures": [figure]})


def _figure(id: str, **extra: object) -> dict[str, object]:
    return {"id": id, "title": "t", "question": "strategy_use", "measure": "frequencies", **extra}


@pytest.mark.parametrize(
    ("id", "needle"),
    [
        ("../escaped", "figure '../escaped' (figures[0]): the id contains '/'"),
        ("/tmp/abs", "figure '/tmp/abs' (figures[0]): the id contains '/'"),
        ("", "figures[0]: the id is empty"),
        ("a/b", "the id contains '/'"),
        (".hidden", "the id starts with '.'"),
        ("x" * 65, "at most 64"),
    ],
)
def test_unsafe_figure_ids_are_refused(id: str, needle: str) -> None:
    """Figure ids name the CSV files: issue 6, defect 3 (`../escaped` wrote outside the folder)."""
    with pytest.raises(dd.InvalidArgumentError) as info:
        dd.ReportSpec.from_json(_one_figure(_figure(id)))
    assert info.value.name == "spec"
    assert needle in str(info.value)


def test_duplicate_figure_ids_are_refused() -> None:
    text = json.dumps({"id": "s", "title": "s", "figures": [_figure("a"), _figure("A")]})
    with pytest.raises(dd.InvalidArgumentError, match=r"figure 'A' \(figures\[1\]\)"):
        dd.ReportSpec.from_json(text)


def test_report_with_unsafe_table_ids_writes_nothing(report: dd.Report, tmp_path: Path) -> None:
    """A report whose table ids were changed behind the spec's back (here through its pickled
    state) still cannot write outside the folder."""
    small = dd.ReportSpec.from_json(_one_figure(_figure("fine"))).run(datasets.doe_democratie_2013())
    state = json.loads(small.__reduce__()[1][0])
    for id in ["../escaped", str(tmp_path / "abs"), "a/b"]:
        state["tables"][0]["id"] = id
        bad = dd.Report._from_state(json.dumps(state))  # type: ignore[attr-defined]
        with pytest.raises(dd.InvalidArgumentError, match="tables\\[0\\]"):
            bad.write_dir(tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ({"options": {"itemz": {"items": ["seed_money"]}}}, "`itemz`"),
        ({"options": {"items": {"item": ["seed_money"]}}}, "`item`"),
        ({"options": {"by": {"attribute": "size_class", "group": {}}}}, "`group`"),
        ({"option": {}}, "`option`"),
    ],
)
def test_misspelt_spec_keys_are_refused(extra: dict[str, object], key: str) -> None:
    """Issue 6, defect 8: `options.itemz` and `items: {"item": ...}` used to mean every item."""
    with pytest.raises(dd.InvalidArgumentError) as info:
        dd.ReportSpec.from_json(_one_figure(_figure("seed", **extra)))
    message = str(info.value)
    assert "figure 'seed' (figures[0]): unknown field" in message and key in message
    assert "(line 1, column" in message


def test_misspelt_keyword_options_are_refused(survey: dd.Survey) -> None:
    """The measures' keyword options refuse unknown names and unknown breakdown keys too."""
    with pytest.raises(TypeError, match="itemz"):
        survey.frequencies("strategy_use", itemz=["seed_money"])  # type: ignore[call-arg]
    with pytest.raises(dd.InvalidArgumentError, match="unknown key 'group'"):
        survey.frequencies("strategy_use", by={"attribute": "size_class", "group": {}})


@pytest.mark.parametrize(
    ("figure", "kind", "id"),
    [
        ({"question": "strategy_usage"}, "question", "strategy_usage"),
        ({"measure": "net", "net": "top9"}, "net", "top9"),
        ({"options": {"items": {"items": ["seed_mony"]}}}, "item", "seed_mony"),
    ],
)
def test_unknown_ids_name_the_figure(
    survey: dd.Survey, figure: dict[str, object], kind: str, id: str
) -> None:
    """Issue 6, defect 13: the figure id that docs/report-format.md promises."""
    spec = dd.ReportSpec.from_json(_one_figure({**_figure("f1"), **figure}))
    # By default the figure is left out and listed; strict mode raises (issue 11).
    assert [s["figure"] for s in spec.run(survey).skipped] == ["f1"]
    with pytest.raises(dd.UnknownIdError) as info:
        spec.run(survey, strict=True)
    assert isinstance(info.value, KeyError)
    assert (info.value.kind, info.value.id, info.value.figure) == (kind, id, "f1")
    assert str(info.value).startswith(f"figure 'f1': unknown {kind} '{id}'")
    with pytest.raises(dd.UnknownIdError) as other:
        survey.frequencies("strategy_usage")
    assert other.value.figure is None


def test_figures_whose_question_the_data_lacks_are_skipped(tmp_path: Path) -> None:
    bundled = datasets.doe_democratie_2013()
    df = bundled.respondents().to_pandas()
    without = df[[c for c in df.columns if not c.startswith("support_need.")]]
    survey = dd.Survey.from_pandas(without)
    spec = dd.ReportSpec.doe_democratie_2013()
    report = spec.run(survey)
    expected = [f for f in spec.figure_ids() if f in {s["figure"] for s in report.skipped}]
    assert expected and [s["figure"] for s in report.skipped] == expected
    assert all(s["question"] == "support_need" for s in report.skipped)
    assert "was not asked" in report.skipped[0]["reason"]
    assert len(report) + len(report.skipped) == len(spec)
    assert "Overgeslagen figuren" in report.to_html()
    with pytest.raises(dd.InvalidArgumentError, match=f"figure '{expected[0]}'"):
        spec.run(survey, strict=True)
    # The command line says which figures it left out.
    data = tmp_path / "zonder_ondersteuning.csv"
    data.write_text(without.to_csv(index=False), encoding="utf-8")
    out = io.StringIO()
    assert main(["report", "--data", str(data), "--out", str(tmp_path / "out")], out) == 0
    assert f"{expected[0]}" in out.getvalue()
    assert "skipped: question 'support_need' was not asked" in out.getvalue()
    argv = ["report", "--data", str(data), "--out", str(tmp_path / "out2"), "--strict"]
    assert main(argv, io.StringIO()) == EXIT_ERROR
    assert not (tmp_path / "out2").exists()
