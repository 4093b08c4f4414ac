"""Exception classes, their bases, and the located problems they carry."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import doe_democratie as dd

from conftest import SEED, SOCIAL, SUCCESS, TYPICAL, Writer


def test_exception_hierarchy() -> None:
    assert issubclass(dd.DoeDemocratieError, Exception)
    for cls in (dd.ValidationError, dd.InstrumentError, dd.InvalidArgumentError):
        assert issubclass(cls, dd.DoeDemocratieError)
        assert issubclass(cls, ValueError)
    assert issubclass(dd.UnknownIdError, dd.DoeDemocratieError)
    assert issubclass(dd.UnknownIdError, KeyError)
    assert issubclass(dd.UnknownIdError, LookupError)
    classes: tuple[type[Exception], ...] = (
        dd.DoeDemocratieError,
        dd.ValidationError,
        dd.InstrumentError,
        dd.UnknownIdError,
        dd.InvalidArgumentError,
    )
    for exc in classes:
        assert exc.__module__ == "doe_democratie"
        assert exc.__doc__


def test_semicolon_bom_crlf_csv_with_bad_code(write: Writer) -> None:
    text = (
        "\ufeffrespondent_id;municipality;" + SOCIAL + ";" + SEED + "\r\n"
        "r1;GM0001;Ja;1\r\n"
        "r2;GM0002;Weet niet;9\r\n"
        "r3;GM0003;7;2\r\n"
    )
    path = write("antwoorden.csv", text)
    with pytest.raises(dd.ValidationError) as info:
        dd.Survey.from_csv(path)
    err = info.value
    assert isinstance(err, ValueError)
    assert len(err.problems) == 1
    p = err.problems[0]
    assert isinstance(p, dd.Problem)
    assert (p.kind, p.row, p.column, p.value) == ("invalid_code", 4, SOCIAL, "7")
    assert p.file == str(path)
    assert "yes_no_dk" in p.message
    assert str(err) == err.report
    assert "row 4" in str(err) and f"column '{SOCIAL}'" in str(err)

    # The same file without the bad row reads fine: BOM, CRLF and ';' are handled.
    survey = dd.Survey.from_csv(write("ok.csv", text.rsplit("r3", 1)[0]))
    assert (survey.n_respondents, survey.n_municipalities) == (2, 2)


def test_too_many_picks(write: Writer) -> None:
    # In questionnaire order: the problem lists the picks in that order.
    options = ["initiative_desk", "conflict_mediation", "seed_money", "flexible_rules"]
    header = ",".join(["respondent_id", "municipality"] + [f"{SUCCESS}.{o}" for o in options])
    path = write("picks.csv", f"{header}\nr1,GM0001,1,1,0,0\nr2,GM0001,1,1,1,1\n")
    with pytest.raises(dd.ValidationError) as info:
        dd.Survey.from_csv(path)
    (p,) = info.value.problems
    assert p.kind == "too_many_picks"
    assert p.row == 3
    assert p.column == SUCCESS
    assert p.value == ", ".join(f"{SUCCESS}.{o}" for o in options)


def test_duplicate_respondent(write: Writer) -> None:
    path = write("dup.csv", f"respondent_id,municipality,{SEED}\nr1,GM0001,1\nr1,GM0002,2\n")
    with pytest.raises(dd.ValidationError) as info:
        dd.Survey.from_csv(path)
    (p,) = info.value.problems
    assert (p.kind, p.row, p.column, p.value) == ("duplicate_respondent", 3, "respondent_id", "r1")


def test_windows_1252_file_names_the_encoding(write: Writer) -> None:
    text = (
        "respondent_id;municipality;municipality_name;" + SOCIAL + "\r\n"
        "r1;GM0796;\u2019s-Hertogenbosch;Ja\r\n"
    )
    path = write("excel.csv", text.encode("cp1252"))
    with pytest.raises(dd.ValidationError) as info:
        dd.Survey.from_csv(path)
    (p,) = info.value.problems
    assert p.kind == "encoding"
    assert p.row == 2
    assert p.value == "0x92"
    assert "Windows-1252" in p.message
    # Lenient reading cannot rescue an undecodable file.
    with pytest.raises(dd.ValidationError):
        dd.Survey.from_csv(path, strict=False)


def test_unknown_column_and_missing_required_column(write: Writer) -> None:
    path = write("cols.csv", "respondent_id,Strategy_Use.Seed_Money\nr1,1\n")
    with pytest.raises(dd.ValidationError) as info:
        dd.Survey.from_csv(path, strict=False)
    kinds = [(p.kind, p.column) for p in info.value.problems]
    assert kinds == [
        ("unknown_column", "Strategy_Use.Seed_Money"),
        ("missing_column", "municipality"),
    ]
    assert f"did you mean '{SEED}'" in info.value.problems[0].message


def test_from_records_problems_are_record_numbers() -> None:
    records: list[dict[str, object]] = [
        {"respondent_id": "a", "municipality": "GM1", f"{TYPICAL}.social_entrepreneurship": 1},
        {"respondent_id": "b", "municipality": "GM1", SEED: "heel vaak"},
    ]
    with pytest.raises(dd.ValidationError) as info:
        dd.Survey.from_records(records)
    (p,) = info.value.problems
    assert (p.kind, p.file, p.row, p.column, p.value) == ("invalid_code", "<records>", 2, SEED, "heel vaak")


def test_unknown_id_is_a_key_error(instrument: dd.Instrument) -> None:
    with pytest.raises(KeyError) as info:
        instrument.question("no_such_question")
    err = info.value
    assert isinstance(err, dd.UnknownIdError)
    assert (err.kind, err.id) == ("question", "no_such_question")
    assert "strategy_use" in err.known
    # Plain message, not KeyError's quoted repr.
    assert str(err).startswith("unknown question 'no_such_question'")
    with pytest.raises(dd.UnknownIdError):
        instrument.scale("nope")


def test_missing_file_is_file_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    with pytest.raises(FileNotFoundError) as info:
        dd.Survey.from_csv(missing)
    assert info.value.filename == str(missing)
    assert info.value.errno == 2
    with pytest.raises(FileNotFoundError):
        dd.Survey.from_json(missing)
    with pytest.raises(FileNotFoundError):
        dd.Instrument.from_json_path(missing)
    with pytest.raises(OSError):
        dd.Instrument.doe_democratie_2013().save_json(tmp_path / "no_dir" / "x.json")


def test_invalid_instrument_json() -> None:
    with pytest.raises(dd.InstrumentError) as info:
        dd.Instrument.from_json('{"format": "doe_democratie.instrument/1",\n "id": 3}')
    err = info.value
    assert isinstance(err, ValueError)
    assert (err.source_name, err.line) == ("<string>", 2)
    assert err.column is not None and err.at is None
    assert err.message


def test_instrument_rule_violation_names_its_place(instrument: dd.Instrument) -> None:
    text = instrument.to_json().replace('"max_picks": 3', '"max_picks": 99')
    with pytest.raises(dd.InstrumentError) as info:
        dd.Instrument.from_json(text)
    assert "max_picks 99" in str(info.value)
    assert "strategy_most_successful" in str(info.value)


def test_invalid_argument(write: Writer) -> None:
    path = write("a.csv", "respondent_id,municipality\nr1,GM1\n")
    with pytest.raises(dd.InvalidArgumentError) as info:
        dd.Survey.from_csv(path, delimiter=";;")
    assert isinstance(info.value, ValueError)
    assert info.value.name == "delimiter"
    with pytest.raises(dd.InvalidArgumentError):
        dd.Problem("not_a_kind", "f", None, None, None, "m")  # type: ignore[arg-type]


def test_wrong_python_types_are_type_errors() -> None:
    with pytest.raises(TypeError):
        dd.Survey.from_dict({"respondent_id": "abc"})
    with pytest.raises(TypeError):
        dd.Survey.from_records("not records")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        dd.Survey.from_pandas({"respondent_id": ["a"]})


def test_ragged_dict_columns() -> None:
    with pytest.raises(dd.ValidationError) as info:
        dd.Survey.from_dict({"respondent_id": ["a", "b"], "municipality": ["GM1"]})
    (p,) = info.value.problems
    assert (p.kind, p.column, p.value) == ("malformed", "municipality", "1")


def test_problem_repr_str_eq_and_pickle() -> None:
    p = dd.Problem("invalid_code", "x.csv", 4, SEED, "7", "not a valid answer")
    assert repr(p) == (
        "Problem(kind='invalid_code', file='x.csv', row=4, "
        f"column='{SEED}', value='7', message='not a valid answer')"
    )
    assert str(p) == f"x.csv, row 4, column '{SEED}', value '7': not a valid answer (invalid_code)"
    assert pickle.loads(pickle.dumps(p)) == p
    assert p != dd.Problem("invalid_code", "x.csv", None, None, None, "not a valid answer")


def test_validation_error_pickles_with_its_problems(write: Writer) -> None:
    path = write("bad.csv", f"respondent_id,municipality,{SEED}\nr1,GM1,8\n")
    with pytest.raises(dd.ValidationError) as info:
        dd.Survey.from_csv(path)
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is dd.ValidationError
    assert again.problems == info.value.problems
    assert str(again) == str(info.value)


def test_instrument_file_not_utf8_is_instrument_error(tmp_path: Path) -> None:
    # Issue 6, defect 13: a Windows-1252 file raised a bare OSError without position or hint.
    path = tmp_path / "instrument.json"
    path.write_bytes('{\n  "title_nl": "Café"\n}\n'.encode("cp1252"))
    with pytest.raises(dd.InstrumentError) as info:
        dd.Instrument.from_json_path(path)
    err = info.value
    assert isinstance(err, ValueError) and not isinstance(err, OSError)
    assert (err.source_name, err.line, err.column) == (str(path), 2, 19)
    assert "0xE9" in err.message and "offset 20" in err.message
    assert "ISO-8859-1" in err.message
