"""Issue 10 from Python: reading options, import profiles, aliases and tables that warn when
answers were dropped. The example export is examples/excel-export/antwoorden.csv (Windows-1252,
';', Dutch headers, short answers, an extra column), made by examples/excel-export/make.py."""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import pandas as pd
import pytest

import doe_democratie as dd
from doe_democratie.__main__ import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "excel-export"
EXPORT = EXAMPLE / "antwoorden.csv"
PROFILE = EXAMPLE / "profiel.json"


def test_the_export_reads_with_its_profile_and_matches_the_recoded_data() -> None:
    export = dd.Survey.from_csv(EXPORT, profile=PROFILE)
    recoded = dd.datasets.doe_democratie_2013()
    assert (len(export), export.n_municipalities) == (126, 98)
    for by in (None, "size_class", "province"):
        a = export.net_shares("strategy_use", "top2", by=by)
        b = recoded.net_shares("strategy_use", "top2", by=by)
        assert a.rows == b.rows
    row = export.net_shares("strategy_use", "top2").find("reliable_partner", "all", "top2")
    assert row is not None and row["printed"] == 73
    # The same with the profile as an object, and with the keywords it holds.
    profile = dd.ImportProfile.from_json_path(PROFILE)
    assert dd.Survey.from_csv(EXPORT, profile=profile) == export
    by_keywords = dd.Survey.from_csv(
        EXPORT,
        encoding="cp1252",
        delimiter=";",
        columns=profile.columns,
        ignore_columns=["Opmerkingen"],
    )
    assert by_keywords == export


def test_a_profile_and_keywords_together_are_refused() -> None:
    with pytest.raises(dd.InvalidArgumentError, match="either profile= or"):
        dd.Survey.from_csv(EXPORT, profile=PROFILE, encoding="utf-8")


def test_bad_options_name_the_keyword() -> None:
    with pytest.raises(dd.InvalidArgumentError, match="windows-1252"):
        dd.Survey.from_csv(EXPORT, encoding="ebcdic")  # type: ignore[arg-type]
    with pytest.raises(dd.InvalidArgumentError, match="'unknown'"):
        dd.Survey.from_csv(EXPORT, ignore_columns="all")
    with pytest.raises(dd.InvalidArgumentError, match="maps both"):
        dd.ImportProfile(columns={"A": "role", "B": "role"})


def test_profile_round_trips_through_json_and_pickle(tmp_path: Path) -> None:
    profile = dd.ImportProfile(
        encoding="windows-1252",
        delimiter=";",
        columns={"Gemeente": "municipality"},
        ignore_columns="unknown",
        description="Excel-export",
    )
    assert profile.encoding == "windows-1252"
    assert profile.ignore_columns == "unknown"
    path = tmp_path / "profiel.json"
    profile.save_json(path)
    assert dd.ImportProfile.from_json_path(path) == profile
    assert pickle.loads(pickle.dumps(profile)) == profile


def test_in_memory_frames_take_columns_and_ignore_columns() -> None:
    df = pd.DataFrame(
        {
            "Respondent": ["1", "2", "3"],
            "Gemeente": ["Utrecht", "Utrecht", "Ede"],
            "Functie": ["Wijkmanager", "gemeentesecretaris", "Communicatieadviseur"],
            "Opmerkingen": ["", "zie mail", ""],
            "strategy_use.Betrouwbare samenwerkingspartner": ["Vaak", "Soms", "Regelmatig"],
        }
    )
    columns = {"Respondent": "respondent_id", "Gemeente": "municipality", "Functie": "role"}
    survey = dd.Survey.from_pandas(df, columns=columns, ignore_columns="unknown", source="export.xlsx")
    assert survey.ignored_columns == ["Opmerkingen"]
    table = survey.frequencies("strategy_use", items=["reliable_partner"])
    counts = {r["category"]: r["count"] for r in table.rows}
    assert (counts["often"], counts["regularly"], counts["sometimes"]) == (0.5, 1.0, 0.5)
    # Without the mapping every header is unknown, each named with the closest columns.
    with pytest.raises(dd.ValidationError) as info:
        dd.Survey.from_pandas(df, source="export.xlsx")
    first = info.value.problems[0]
    assert (first.file, first.kind, first.column) == ("export.xlsx", "unknown_column", "Respondent")
    assert "ignore_columns" in first.message


def test_role_message_lists_the_labels_and_aliases_a_user_can_type() -> None:
    df = pd.DataFrame({"respondent_id": ["1"], "municipality": ["GM1"], "role": ["Burgemeester"]})
    with pytest.raises(dd.ValidationError) as info:
        dd.Survey.from_pandas(df)
    message = info.value.problems[0].message
    assert "'wijkmanagers' or 'wijkmanager' (district_manager)" in message


def test_tables_of_a_lenient_read_warn_about_dropped_answers() -> None:
    df = pd.DataFrame(
        {
            "respondent_id": ["1", "2", "3", "3"],
            "municipality": ["GM1", "GM2", "GM3", "GM4"],
            "strategy_use.reliable_partner": ["Vaak", "Heel vaak", "Soms", "Vaak"],
        }
    )
    survey = dd.Survey.from_pandas(df, strict=False)
    table = survey.net_shares("strategy_use", "top2")
    assert table.warnings == [
        {"column": "strategy_use.reliable_partner", "reason": "invalid_code", "count": 1},
        {"column": None, "reason": "duplicate_respondent", "count": 1},
    ]
    text = table.warning_text()
    assert text is not None and "1 antwoord in strategy_use.reliable_partner" in text
    assert table.to_csv().startswith("# Let op")
    assert "1 antwoord in strategy_use.reliable_partner" in table._repr_html_()
    frame = pd.read_csv(io.StringIO(table.to_csv()), comment="#")
    assert len(frame) == len(table)
    summary = {s["column"]: s["dropped"] for s in survey.item_summary()}
    assert summary["strategy_use.reliable_partner"] == 1
    # A strict read of clean data warns about nothing.
    clean = dd.datasets.doe_democratie_2013().net_shares("strategy_use", "top2")
    assert clean.warnings == [] and clean.warning_text() is None


def test_cli_reads_the_export_with_a_profile_or_flags() -> None:
    out = io.StringIO()
    assert main(["validate", str(EXPORT), "--profile", str(PROFILE)], out) == 0
    assert "126 respondents in 98 municipalities" in out.getvalue()
    out = io.StringIO()
    argv = ["validate", str(EXPORT), "--encoding", "windows-1252", "--ignore-unknown-columns"]
    argv += ["--column", "Respondent=respondent_id", "--column", "Gemeente=municipality"]
    assert main(argv, out) == 0
    assert "ignored columns:" in out.getvalue() and "Opmerkingen" in out.getvalue()
