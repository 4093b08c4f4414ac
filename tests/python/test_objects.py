"""Instrument and Survey as Python objects: repr, _repr_html_, pickling, JSON round trip."""

from __future__ import annotations

import copy
import json
import pickle
import re
from pathlib import Path

import pytest

import doe_democratie as dd

from conftest import SEED, SOCIAL, SUCCESS, TYPICAL, Writer


@pytest.fixture
def survey(write: Writer) -> dd.Survey:
    text = (
        f"respondent_id;municipality;inhabitants;{SOCIAL};{SEED};{SUCCESS}.seed_money;examples\n"
        "r1;GM0001;15000;Ja;1;1;buurttuin\n"
        "r2;GM0001;15000;9;2;0;\n"
        "r3;GM0002;60000;Nee;7;1;café\n"
    )
    return dd.Survey.from_csv(write("s.csv", text), strict=False)


def test_version() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", dd.__version__)
    assert dd._core.__version__ == dd.__version__
    assert set(dd.__all__) == set(dd._core.__all__)


def test_instrument_properties(instrument: dd.Instrument) -> None:
    assert instrument.id == "doe_democratie_2013"
    assert "doe-democratie" in instrument.title_nl
    assert instrument.title_en
    assert instrument.question_ids()[:2] == ["forms_occurrence", "forms_most_typical"]
    columns = instrument.columns()
    assert SOCIAL in columns and SEED in columns and f"{SUCCESS}.seed_money" in columns
    assert len(columns) == len(set(columns))
    assert repr(instrument) == (
        f"<Instrument 'doe_democratie_2013': {len(instrument.question_ids())} questions, "
        f"{len(columns)} data columns>"
    )


def test_question_and_scale_views(instrument: dd.Instrument) -> None:
    q = instrument.question(SUCCESS)
    assert q["kind"] == "multi_select"
    assert q["max_picks"] == 3
    assert q["scale"] is None
    assert f"{SUCCESS}.seed_money" in q["columns"]
    assert {"id", "label_nl", "label_en", "short_label_nl", "short_label_en", "tags"} <= set(q["items"][0])
    assert instrument.question(TYPICAL)["max_picks"] == 2
    grid = instrument.question("forms_occurrence")
    assert (grid["kind"], grid["scale"], grid["max_picks"]) == ("grid", "yes_no_dk", None)
    scale = instrument.scale("yes_no_dk")
    assert [(c["code"], c["label_nl"]) for c in scale["categories"]] == [(1, "Ja"), (2, "Nee")]
    assert [(m["code"], m["kind"]) for m in scale["missing"]] == [(9, "dont_know")]
    assert "yes_no_dk" in instrument.scale_ids()


BUNDLED_INSTRUMENT = Path(__file__).resolve().parents[2] / "src" / "instrument" / "doe_democratie_2013.json"


def test_items_carry_the_short_labels_of_the_json(instrument: dd.Instrument) -> None:
    stored = json.loads(BUNDLED_INSTRUMENT.read_text(encoding="utf-8"))
    checked = 0
    for q in stored["questions"]:
        items = q.get("items", q.get("options", []))
        view = instrument.question(q["id"])["items"]
        assert [i["id"] for i in view] == [i["id"] for i in items]
        for ours, theirs in zip(view, items):
            assert ours["short_label_nl"] == theirs["short_label_nl"]
            assert ours["short_label_en"] == theirs["short_label_en"]
            assert (ours["label_nl"], ours["label_en"]) == (theirs["label_nl"], theirs["label_en"])
            checked += 1
    assert checked == 88
    seed = next(i for i in instrument.question(SUCCESS)["items"] if i["id"] == "seed_money")
    assert (seed["short_label_nl"], seed["short_label_en"]) == ("Seed-money", "Seed money")


def test_items_without_short_labels_show_none() -> None:
    stored = json.loads(dd.Instrument.doe_democratie_2013().to_json())
    for q in stored["questions"]:
        for item in q.get("items", q.get("options", [])):
            del item["short_label_nl"]
            if q["id"] != "strategy_use":
                del item["short_label_en"]
    bare = dd.Instrument.from_json(json.dumps(stored))
    assert bare != dd.Instrument.doe_democratie_2013()
    desk = bare.question("strategy_use")["items"][1]
    assert (desk["id"], desk["short_label_nl"], desk["short_label_en"]) == (
        "initiative_desk",
        None,
        "Desk for initiators",
    )
    assert all(
        (i["short_label_nl"], i["short_label_en"]) == (None, None)
        for i in bare.question("challenges")["items"]
    )
    assert "short_label_nl" not in bare.to_json()


def test_instrument_json_round_trip(instrument: dd.Instrument, tmp_path: Path) -> None:
    text = instrument.to_json()
    again = dd.Instrument.from_json(text)
    assert again == instrument
    assert again.to_json() == text
    path = tmp_path / "instrument.json"
    instrument.save_json(path)
    assert dd.Instrument.from_json_path(path) == instrument
    assert dd.Instrument.from_json_path(str(path)) == instrument
    changed = dd.Instrument.from_json(text.replace('"doe_democratie_2013"', '"my_survey"', 1))
    assert changed != instrument
    assert changed.id == "my_survey"
    assert instrument != "not an instrument"


@pytest.mark.parametrize("protocol", [0, pickle.DEFAULT_PROTOCOL, pickle.HIGHEST_PROTOCOL])
def test_instrument_pickle(instrument: dd.Instrument, protocol: int) -> None:
    again = pickle.loads(pickle.dumps(instrument, protocol=protocol))
    assert again == instrument
    assert repr(again) == repr(instrument)
    assert copy.deepcopy(instrument) == instrument


@pytest.mark.parametrize("protocol", [0, pickle.DEFAULT_PROTOCOL, pickle.HIGHEST_PROTOCOL])
def test_survey_pickle(survey: dd.Survey, protocol: int) -> None:
    again = pickle.loads(pickle.dumps(survey, protocol=protocol))
    assert isinstance(again, dd.Survey)
    assert again == survey
    assert again.item_summary() == survey.item_summary()
    assert repr(again) == repr(survey)
    assert again.problems == survey.problems
    assert again.instrument == survey.instrument


def test_tampered_pickle_state_is_refused(survey: dd.Survey) -> None:
    func, (state,) = survey.__reduce__()
    func(state)  # the untouched state loads
    with pytest.raises(dd.InvalidArgumentError):
        func(state.replace('"asked":[', '"asked":[true,', 1))


def test_survey_repr(survey: dd.Survey) -> None:
    r = repr(survey)
    assert r.startswith("Survey 'doe_democratie_2013': 3 respondents in 2 municipalities")
    assert r.endswith("; 1 validation problems")
    assert "\n" not in r
    assert survey.problems[0].kind == "invalid_code"


def test_survey_repr_html_is_a_capped_table(survey: dd.Survey) -> None:
    html = survey._repr_html_()
    assert "<table>" in html and "</table>" in html
    n_columns = len(survey.instrument.columns())
    rows = html.count("<tr>") - 1  # header row
    assert 0 < rows < n_columns
    assert f"{n_columns - rows} more columns" in html
    assert "3 respondents in 2 municipalities" in html


def test_item_summary_shape(survey: dd.Survey) -> None:
    summary = survey.item_summary()
    assert [row["column"] for row in summary] == survey.instrument.columns()
    row = next(r for r in summary if r["column"] == SOCIAL)
    assert row == {
        "column": SOCIAL,
        "question": "forms_occurrence",
        "item": "social_entrepreneurship",
        "asked": True,
        "answered": 2,
        "dont_know": 1,
        "missing": 0,
        "picked": None,
        "dropped": 0,
    }
    assert next(r for r in summary if r["column"] == "examples")["item"] is None


def test_objects_are_immutable_and_not_constructible(survey: dd.Survey) -> None:
    with pytest.raises(AttributeError):
        survey.n_respondents = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        dd.Survey()
