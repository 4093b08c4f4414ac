"""SPSS files in and out (``doe_democratie.spss``, GitHub issue 10, part 5).

Every input file is made here with ``pyreadstat.write_sav``: value labels, user-missing values
and ranges, string variables, a grid, a single-choice variable and the attributes. pyreadstat
cannot write multiple-response sets, so :func:`_add_mrsets` adds the MRSETS record SPSS writes
(record type 7, subtype 7, as the SPSS/PSPP system-file format documents it) to a written file,
and the tests read it back through pyreadstat.
"""

from __future__ import annotations

import math
import os
import struct
import sys
import warnings
from collections import Counter
from pathlib import Path
from typing import Any, Optional

import pytest

import doe_democratie as dd
from doe_democratie import spss

pyreadstat = pytest.importorskip("pyreadstat")
pd = pytest.importorskip("pandas")

NAN = float("nan")
TEVR_LABELS = {1: "Tevreden", 2: "Neutraal", 3: "Ontevreden", 9: "Weet niet"}
BELEID_LABELS = {1: "Ja", 2: "Nee", 97: "Geen antwoord", 98: "Niet van toepassing"}
COLUMNS: dict[str, list[Any]] = {
    "respondent_id": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    "municipality": ["GM0001", "GM0001", "GM0002", "GM0003", "GM0003", "GM0004"],
    "tevr_1": [1.0, 2.0, 9.0, 1.0, NAN, 3.0],
    "tevr_2": [2.0, 2.0, 1.0, 9.0, 3.0, NAN],
    "tevr_3": [3.0, 1.0, 1.0, 1.0, 9.0, 2.0],
    "beleid": [1.0, 2.0, 97.0, 98.0, 99.0, 1.0],
    "opmerking": ["Prima", "", "Meer groen", "", "Te weinig licht", ""],
}
VARIABLE_LABELS = {
    "respondent_id": "Respondentnummer",
    "tevr_1": "Tevredenheid: wegen",
    "tevr_2": "Tevredenheid: groen",
    "tevr_3": "Tevredenheid: verlichting",
    "beleid": "Heeft de gemeente beleid voor burgerinitiatieven?",
    "opmerking": "Opmerkingen",
}


def _write_municipal_sav(path: Path, columns: Optional[dict[str, list[Any]]] = None) -> Path:
    """The labelled test file: a grid of three items sharing a label set with 9 'Weet niet'
    user-missing, a single-choice variable with the missing range 97–99 (97 and 98 labelled,
    99 not), a string variable, municipality and respondent id."""
    pyreadstat.write_sav(
        pd.DataFrame(columns or COLUMNS),
        path,
        file_label="Enquête burgerinitiatieven",
        column_labels=VARIABLE_LABELS,
        variable_value_labels={
            "tevr_1": TEVR_LABELS,
            "tevr_2": TEVR_LABELS,
            "tevr_3": TEVR_LABELS,
            "beleid": BELEID_LABELS,
        },
        missing_ranges={
            "tevr_1": [9],
            "tevr_2": [9],
            "tevr_3": [9],
            "beleid": [{"lo": 97, "hi": 99}],
        },
    )
    return path


@pytest.fixture
def municipal_sav(tmp_path: Path) -> Path:
    return _write_municipal_sav(tmp_path / "enquete.sav")


def _add_mrsets(path: Path, sets: list[tuple[str, str, Optional[int], str, list[str]]]) -> None:
    """Adds multiple-response sets to an uncompressed .sav file written by pyreadstat.

    ``sets``: (name without ``$``, ``"D"`` dichotomy or ``"C"`` category, counted value, label,
    member variables). The record names members by their short (8-byte) names, as SPSS does;
    they are taken from the file's long-variable-names record. The record goes just before the
    dictionary-termination record (type 999).
    """
    data = bytearray(path.read_bytes())
    assert data[:4] == b"$FL2" and struct.unpack_from("<i", data, 64)[0] == 2  # little-endian
    pos, short_of = 176, {}
    while True:
        (rec,) = struct.unpack_from("<i", data, pos)
        if rec == 2:  # variable
            has_label, n_missing = struct.unpack_from("<2i", data, pos + 8)
            pos += 32
            if has_label:
                (n,) = struct.unpack_from("<i", data, pos)
                pos += 4 + (n + 3) // 4 * 4
            pos += abs(n_missing) * 8
        elif rec == 3:  # value labels
            (count,) = struct.unpack_from("<i", data, pos + 4)
            pos += 8
            for _ in range(count):
                pos += 8 + (1 + data[pos + 8] + 7) // 8 * 8
        elif rec == 4:  # variables of the value labels
            (count,) = struct.unpack_from("<i", data, pos + 4)
            pos += 8 + 4 * count
        elif rec == 6:  # document
            (count,) = struct.unpack_from("<i", data, pos + 4)
            pos += 8 + 80 * count
        elif rec == 7:  # extension
            subtype, size, count = struct.unpack_from("<3i", data, pos + 4)
            body = bytes(data[pos + 16 : pos + 16 + size * count])
            if subtype == 13:  # long variable names: SHORT=long, tab-separated
                for pair in body.decode("utf-8").split("\t"):
                    short, long = pair.split("=", 1)
                    short_of[long] = short
            pos += 16 + size * count
        elif rec == 999:
            break
        else:
            raise AssertionError(f"unexpected record type {rec} at byte {pos}")
    lines = []
    for name, kind, counted, label, members in sets:
        label_bytes = label.encode("utf-8")
        head = f"${name}=D{len(str(counted))} {counted}" if kind == "D" else f"${name}=C"
        names = " ".join(short_of.get(m, m.upper()) for m in members)
        lines.append(f"{head} {len(label_bytes)} {label} {names}\n")
    body = "".join(lines).encode("utf-8")
    data[pos:pos] = struct.pack("<4i", 7, 7, 1, len(body)) + body
    path.write_bytes(bytes(data))


def _draft(path: Path, **kwargs: Any) -> dd.Instrument:
    with warnings.catch_warnings():
        warnings.simplefilter("error", spss.SpssWarning)
        return spss.instrument_from_sav(path, **kwargs)


def _counts(table: dd.Table) -> dict[tuple[Optional[str], str], float]:
    return {(r["item"], r["category"]): r["count"] for r in table.rows if r["group"] == "all"}


# --- writing and reading back ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name, compress, magic",
    [
        ("bundled.sav", False, b"$FL2"),
        ("bundled.zsav", False, b"$FL3"),
        ("compressed.sav", True, b"$FL3"),
    ],
)
def test_the_bundled_survey_round_trips(
    tmp_path: Path, name: str, compress: bool, magic: bytes
) -> None:
    survey = dd.datasets.doe_democratie_2013()
    path = tmp_path / name
    spss.write_sav(survey, path, compress=compress)
    assert path.read_bytes()[:4] == magic
    assert os.listdir(tmp_path) == [name]  # nothing else written
    back = spss.read_sav(path, survey.instrument)
    assert back == survey
    assert back.problems == []
    assert back.respondents() == survey.respondents()


def test_the_written_file_has_labels_and_missing_values_for_spss(tmp_path: Path) -> None:
    survey = dd.datasets.doe_democratie_2013()
    path = tmp_path / "doe_democratie_2013.sav"
    spss.write_sav(survey, path)
    df, meta = pyreadstat.read_sav(str(path), user_missing=True)

    assert meta.column_names == list(survey.respondents().columns)
    title = survey.instrument.title_nl  # 82 bytes: cut to SPSS's 64, marked with '…'
    assert meta.file_label == title.encode()[:61].decode("utf-8", "ignore") + "…"
    assert meta.notes == [
        f"Written by doe_democratie {dd.__version__} from instrument 'doe_democratie_2013'."
    ]
    labels = meta.column_names_to_labels
    seed = survey.instrument.question("strategy_use")["items"][3]
    assert seed["id"] == "seed_money"
    assert labels["strategy_use.seed_money"] == seed["label_nl"]
    assert labels["respondent_id"] == "Respondentnummer"
    assert (
        labels["citizen_support_need_insight"]
        == survey.instrument.question("citizen_support_need_insight")["text_nl"]
    )
    assert labels["strategy_most_successful.seed_money"] == seed["label_nl"]

    values = meta.variable_value_labels
    assert values["strategy_use.seed_money"] == {
        1.0: "Vaak, dit is een gangbare praktijk",
        2.0: "Met enige regelmaat",
        3.0: "Soms, op beperkte schaal",
        4.0: "Niet",
        9.0: "Weet niet",
    }
    assert values["forms_occurrence.social_entrepreneurship"] == {
        1.0: "Ja",
        2.0: "Nee",
        9.0: "Weet niet",
    }
    assert values["strategy_most_successful.seed_money"] == {0.0: "Niet gekozen", 1.0: "Gekozen"}
    assert values["size_class"]["lt_20k"] == "minder dan 20.000 inwoners"
    assert values["role"]["municipal_secretary"] == "gemeentesecretaris"
    assert "support_need.attention_politics" in values  # a scale without missing codes
    assert "support_need.attention_politics" not in meta.missing_ranges

    assert meta.missing_ranges["strategy_use.seed_money"] == [{"lo": 9.0, "hi": 9.0}]
    assert meta.missing_ranges["forms_occurrence.social_entrepreneurship"] == [
        {"lo": 9.0, "hi": 9.0}
    ]
    assert meta.readstat_variable_types["examples"] == "string"
    assert meta.readstat_variable_types["municipality"] == "string"
    assert meta.readstat_variable_types["strategy_use.seed_money"] == "double"
    assert meta.variable_measure["inhabitants"] == "scale"

    # user-missing codes are data, not system-missing: the 'weet niet' answers are there.
    summary = {s["column"]: s for s in survey.item_summary()}
    column = "strategy_use.seed_money"
    assert int((df[column] == 9).sum()) == summary[column]["dont_know"] > 0
    # …and plain SPSS readers see them as missing.
    plain, _ = pyreadstat.read_sav(str(path))
    assert (
        int(plain[column].isna().sum()) == summary[column]["dont_know"] + summary[column]["missing"]
    )


def test_write_sav_refuses_a_folder_and_a_missing_folder(tmp_path: Path) -> None:
    survey = dd.datasets.doe_democratie_2013()
    with pytest.raises(IsADirectoryError):
        spss.write_sav(survey, tmp_path)
    with pytest.raises(FileNotFoundError):
        spss.write_sav(survey, tmp_path / "nope" / "x.sav")
    assert os.listdir(tmp_path) == []


def test_long_and_reserved_column_names_get_valid_spss_names_and_round_trip(tmp_path: Path) -> None:
    long_question = "q" + "x" * 39
    long_item = "an_item_whose_id_is_long_enough_to_pass_the_limit"
    instrument = dd.Instrument.from_json(
        """{"format": "doe_democratie.instrument/1", "id": "names", "title_nl": "Namen",
        "title_en": "Names",
        "scales": [{"id": "yn", "categories": [
            {"code": 1, "id": "yes", "label_nl": "Ja", "label_en": "Yes"},
            {"code": 2, "id": "no", "label_nl": "Nee", "label_en": "No"}],
          "missing": [{"code": 7, "id": "dk", "label_nl": "Weet niet", "label_en": "Don't know",
            "kind": "dont_know"}, {"code": 8, "id": "ref", "label_nl": "Geen antwoord",
            "label_en": "Refused", "kind": "refused"}, {"code": 10, "id": "na",
            "label_nl": "N.v.t.", "label_en": "N/a", "kind": "not_applicable"}, {"code": 11,
            "id": "other_missing", "label_nl": "Anders ontbrekend", "label_en": "Other missing",
            "kind": "not_applicable"}]},
          {"id": "mixed", "categories": [
            {"code": 1, "id": "a", "label_nl": "A", "label_en": "A"},
            {"code": 5, "id": "b", "label_nl": "B", "label_en": "B"},
            {"code": 9, "id": "c", "label_nl": "C", "label_en": "C"}],
           "missing": [
            {"code": 2, "id": "m2", "label_nl": "M2", "label_en": "M2", "kind": "refused"},
            {"code": 4, "id": "m4", "label_nl": "M4", "label_en": "M4", "kind": "refused"},
            {"code": 6, "id": "m6", "label_nl": "M6", "label_en": "M6", "kind": "refused"},
            {"code": 8, "id": "m8", "label_nl": "M8", "label_en": "M8", "kind": "refused"}]}],
        "questions": [
          {"id": "and", "text_nl": "Een vraag met een SPSS-sleutelwoord als id", "text_en": "And",
           "unit": "respondent", "kind": "single_choice", "scale": "yn"},
          {"id": "2013q", "text_nl": "Begint met een cijfer", "text_en": "Digit first",
           "unit": "respondent", "kind": "single_choice", "scale": "yn"},
          {"id": "%s", "text_nl": "Lang", "text_en": "Long", "unit": "municipality",
           "kind": "grid", "scale": "yn", "items": [
             {"id": "%s", "label_nl": "Lang item", "label_en": "Long item"},
             {"id": "short", "label_nl": "Kort item", "label_en": "Short item"}]},
          {"id": "leeg", "text_nl": "Niemand vulde dit in", "text_en": "Empty",
           "unit": "respondent", "kind": "open_text"},
          {"id": "gemengd", "text_nl": "Ontbrekend tussen de categorieën", "text_en": "Mixed",
           "unit": "respondent", "kind": "single_choice", "scale": "mixed"}]}"""
        % (long_question, long_item)
    )
    long_column = f"{long_question}.{long_item}"
    survey = dd.Survey.from_dict(
        {
            "respondent_id": ["1", "2", "3"],
            "municipality": ["GM0001", "GM0002", "GM0002"],
            "and": [1, 7, None],
            "2013q": [2, 8, 11],
            long_column: [1, 10, 2],
            f"{long_question}.short": [None, 2, 1],
            "leeg": [None, None, None],
            "gemengd": [1, 8, 6],
        },
        instrument,
    )
    path = tmp_path / "names.sav"
    # Missing codes 2, 4, 6 and 8 between the categories 1, 5 and 9 fit no SPSS declaration.
    with pytest.warns(spss.SpssWarning, match="gemengd: codes 8"):
        spss.write_sav(survey, path)
    _, meta = pyreadstat.read_sav(str(path), user_missing=True)
    names = meta.column_names
    assert spss.spss_name("and") in names and spss.spss_name("and") != "and"
    assert spss.spss_name("2013q").startswith("v2013q_")
    assert len(long_column) > spss.MAX_NAME_BYTES
    short = spss.spss_name(long_column)
    assert short in names and len(short.encode()) == spss.MAX_NAME_BYTES
    assert short == spss.spss_name(long_column)  # deterministic
    assert f"{long_question}.short" in names
    # Four missing codes 7, 8, 10 and 11 with no category between them: one range.
    assert meta.missing_ranges[spss.spss_name("and")] == [{"lo": 7.0, "hi": 11.0}]
    assert meta.missing_ranges["gemengd"] == [{"lo": v, "hi": v} for v in (2.0, 4.0, 6.0)]
    assert meta.variable_value_labels["gemengd"][8.0] == "M8"  # labelled all the same
    assert spss.read_sav(path, instrument) == survey


def test_spss_names() -> None:
    assert spss.spss_name("strategy_use.seed_money") == "strategy_use.seed_money"
    for column in ("and", "with", "1st", "_x", "a" * 65, "x" * 70 + ".y"):
        name = spss.spss_name(column)
        assert name != column and name[0].isalpha() and len(name.encode()) <= 64
        assert not name.endswith(".")
    assert spss.spss_name("a" * 64) == "a" * 64


# --- an instrument draft from a file made with pyreadstat ---------------------------------------


def test_the_draft_has_the_files_scales_questions_and_labels(municipal_sav: Path) -> None:
    draft = _draft(municipal_sav, id="gemeente_enquete")
    assert (draft.id, draft.title_nl, draft.title_en) == (
        "gemeente_enquete",
        "Enquête burgerinitiatieven",
        "Enquête burgerinitiatieven",
    )
    assert draft.question_ids() == ["tevr", "beleid", "opmerking"]
    assert draft.scale_ids() == ["tevr", "beleid"]  # three items, one label set, one scale

    tevr = draft.scale("tevr")
    assert [(c["code"], c["id"], c["label_nl"]) for c in tevr["categories"]] == [
        (1, "tevreden", "Tevreden"),
        (2, "neutraal", "Neutraal"),
        (3, "ontevreden", "Ontevreden"),
    ]
    assert tevr["missing"] == [
        {
            "code": 9,
            "id": "dont_know",
            "label_nl": "Weet niet",
            "label_en": "Weet niet",
            "kind": "dont_know",
            "in_base": False,
        }
    ]
    beleid = draft.scale("beleid")
    assert [(c["code"], c["label_nl"]) for c in beleid["categories"]] == [(1, "Ja"), (2, "Nee")]
    assert [
        (m["code"], m["id"], m["label_nl"], m["kind"], m["in_base"]) for m in beleid["missing"]
    ] == [
        (97, "refused", "Geen antwoord", "refused", False),
        (98, "not_applicable", "Niet van toepassing", "not_applicable", False),
        # 99 lies in the missing range 97–99 and occurs in the data, without a label.
        (99, "not_applicable_99", "Ontbrekend (99)", "not_applicable", False),
    ]

    grid = draft.question("tevr")
    assert (grid["kind"], grid["scale"], grid["text_nl"], grid["unit"]) == (
        "grid",
        "tevr",
        "Tevredenheid",
        "respondent",
    )
    assert [(i["id"], i["label_nl"], i["label_en"]) for i in grid["items"]] == [
        ("1", "wegen", "wegen"),
        ("2", "groen", "groen"),
        ("3", "verlichting", "verlichting"),
    ]
    assert grid["columns"] == ["tevr.1", "tevr.2", "tevr.3"]
    single = draft.question("beleid")
    assert (single["kind"], single["scale"], single["text_nl"]) == (
        "single_choice",
        "beleid",
        "Heeft de gemeente beleid voor burgerinitiatieven?",
    )
    text = draft.question("opmerking")
    assert (text["kind"], text["text_nl"], text["scale"]) == ("open_text", "Opmerkingen", None)


def test_the_survey_read_from_the_file_counts_what_the_file_holds(municipal_sav: Path) -> None:
    survey = spss.read_sav(municipal_sav, _draft(municipal_sav))
    assert (survey.n_respondents, survey.n_municipalities, survey.problems) == (6, 4, [])
    ids = {1: "tevreden", 2: "neutraal", 3: "ontevreden", 9: "dont_know"}
    want = Counter(
        (item, ids[int(v)])
        for item in ("1", "2", "3")
        for v in COLUMNS[f"tevr_{item}"]
        if not math.isnan(v)
    )
    assert _counts(survey.frequencies("tevr")) == dict(want)
    assert want[("1", "dont_know")] == 1 and want[("3", "tevreden")] == 3
    bases = {r["item"]: r["base"] for r in survey.frequencies("tevr").rows}
    assert bases == {"1": 4.0, "2": 4.0, "3": 5.0}  # 'weet niet' outside the base
    assert _counts(survey.frequencies("beleid")) == {
        (None, "ja"): 2.0,
        (None, "nee"): 1.0,
        (None, "refused"): 1.0,
        (None, "not_applicable"): 1.0,
        (None, "not_applicable_99"): 1.0,
    }
    summary = {s["column"]: s for s in survey.item_summary()}
    assert summary["opmerking"]["answered"] == 3  # '' is no answer
    assert survey.respondents().column("respondent_id") == ["1", "2", "3", "4", "5", "6"]
    # Without an instrument, read_sav uses the same draft.
    assert spss.read_sav(municipal_sav) == survey


def test_values_outside_the_value_labels_are_problems(tmp_path: Path, municipal_sav: Path) -> None:
    draft = _draft(municipal_sav)
    columns = {k: list(v) for k, v in COLUMNS.items()}
    columns["tevr_1"][2] = 5.0
    columns["beleid"][4] = 3.0
    path = _write_municipal_sav(tmp_path / "fout.sav", columns)

    survey = spss.read_sav(path, draft, strict=False)
    got = [(p.kind, p.file, p.row, p.column, p.value) for p in survey.problems]
    assert got == [
        ("invalid_code", str(path), 3, "tevr_1", "5"),
        ("invalid_code", str(path), 5, "beleid", "3"),
    ]
    assert "Tevreden" in survey.problems[0].message
    assert survey.n_respondents == 6  # the rest of each row is kept
    assert _counts(survey.frequencies("tevr"))[("1", "tevreden")] == 2

    with pytest.raises(dd.ValidationError) as raised:
        spss.read_sav(path, draft)
    first = raised.value.problems[0]
    assert (first.kind, first.file, first.row, first.column, first.value) == (
        "invalid_code",
        str(path),
        3,
        "tevr_1",
        "5",
    )
    assert str(path) in str(raised.value) and "<pandas>" not in str(raised.value)


def test_a_draft_saved_and_edited_is_reused(tmp_path: Path, municipal_sav: Path) -> None:
    draft = _draft(municipal_sav, unit={"tevr": "municipality"}, dont_know_in_base=True)
    assert draft.question("tevr")["unit"] == "municipality"
    assert draft.question("beleid")["unit"] == "respondent"
    assert draft.scale("tevr")["missing"][0]["in_base"] is True
    saved = tmp_path / "enquete.json"
    draft.save_json(saved)
    edited = saved.read_text(encoding="utf-8").replace(
        '"label_en": "Tevreden"', '"label_en": "Satisfied"'
    )
    instrument = dd.Instrument.from_json(edited)
    assert instrument.scale("tevr")["categories"][0]["label_en"] == "Satisfied"
    survey = spss.read_sav(municipal_sav, instrument)
    assert survey.problems == [] and survey.n_respondents == 6
    with pytest.raises(ValueError, match="no question 'nope'"):
        spss.instrument_from_sav(municipal_sav, unit={"nope": "municipality"})


def test_unlabelled_numeric_variables_are_left_out_with_a_warning(tmp_path: Path) -> None:
    columns = dict(COLUMNS, gewicht=[1.0, 0.5, 2.0, 1.0, 1.0, 0.5])
    path = _write_municipal_sav(tmp_path / "gewogen.sav", columns)
    with pytest.warns(spss.SpssWarning, match="gewicht: numeric without value labels"):
        draft = spss.instrument_from_sav(path)
    assert draft.question_ids() == ["tevr", "beleid", "opmerking"]
    with pytest.warns(spss.SpssWarning):
        assert spss.read_sav(path).n_respondents == 6  # the draft's reading skips it
    with pytest.raises(dd.ValidationError, match="unknown column"):
        spss.read_sav(path, draft)
    assert spss.read_sav(path, draft, skip=["GEWICHT"]).problems == []


def test_negative_codes_get_a_free_code_and_are_read_by_their_label(tmp_path: Path) -> None:
    path = tmp_path / "negatief.sav"
    pyreadstat.write_sav(
        pd.DataFrame(
            {
                "respondent_id": ["a", "b", "c", "d"],
                "municipality": ["GM1", "GM1", "GM2", "GM3"],
                "oordeel": [1.0, -1.0, 2.0, -9.0],
            }
        ),
        path,
        column_labels={"oordeel": "Oordeel"},
        variable_value_labels={"oordeel": {1: "Goed", 2: "Slecht", -1: "n.v.t.", -9: "Weet niet"}},
        missing_ranges={"oordeel": [-1, -9]},
    )
    draft = _draft(path)
    scale = draft.scale("oordeel")
    assert [(m["code"], m["id"], m["label_nl"], m["kind"]) for m in scale["missing"]] == [
        (9, "dont_know", "Weet niet", "dont_know"),  # -9 → 9, which is free
        (10, "not_applicable", "n.v.t.", "not_applicable"),  # -1 → 1 is taken: above the highest
    ]
    survey = spss.read_sav(path, draft)
    assert survey.respondents().column("oordeel") == [1.0, 10.0, 2.0, 9.0]


def test_multiple_response_sets_become_multi_select_questions(tmp_path: Path) -> None:
    path = tmp_path / "bronnen.sav"
    flag = {0: "Niet genoemd", 1: "Genoemd"}
    keus = {1: "Wegen", 2: "Groen", 3: "Verlichting", 9: "Weet niet"}
    pyreadstat.write_sav(
        pd.DataFrame(
            {
                "RESPNR": [11.0, 12.0, 13.0, 14.0],
                "GEMCODE": ["GM0001", "GM0002", "GM0002", "GM0003"],
                "functie": [1.0, 2.0, 2.0, 1.0],
                "bron_vng": [1.0, 0.0, 1.0, 0.0],
                "bron_collega": [0.0, 1.0, 1.0, NAN],
                "bron_internet_fora": [1.0, 1.0, 0.0, 0.0],
                "keus1": [1.0, 3.0, 2.0, 9.0],
                "keus2": [2.0, NAN, 1.0, NAN],
            }
        ),
        path,
        column_labels={
            "bron_vng": "VNG",
            "bron_collega": "Collega's",
            "bron_internet_fora": "Internetfora",
            "functie": "Functie",
        },
        variable_value_labels={
            "functie": {1: "Gemeentesecretaris", 2: "Beleidsmedewerker"},
            "bron_vng": flag,
            "bron_collega": flag,
            "bron_internet_fora": flag,
            "keus1": keus,
            "keus2": keus,
        },
        missing_ranges={"keus1": [9], "keus2": [9]},
    )
    _add_mrsets(
        path,
        [
            (
                "bron",
                "D",
                1,
                "Welke bronnen raadpleegt u?",
                ["bron_vng", "bron_collega", "bron_internet_fora"],
            ),
            ("keus", "C", None, "Waar gaat het geld heen? (noem er twee)", ["keus1", "keus2"]),
        ],
    )
    _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
    assert meta.mr_sets["bron"]["variable_list"] == [
        "bron_vng",
        "bron_collega",
        "bron_internet_fora",
    ]
    assert meta.mr_sets["keus"]["type"] == "C"

    attributes = {"RESPNR": "respondent_id", "GEMCODE": "municipality", "functie": "role"}
    draft = _draft(path, attributes=attributes)
    assert draft.question_ids() == ["bron", "keus"]
    bron = draft.question("bron")
    assert (bron["kind"], bron["text_nl"], bron["max_picks"]) == (
        "multi_select",
        "Welke bronnen raadpleegt u?",
        None,
    )
    assert [(i["id"], i["label_nl"]) for i in bron["items"]] == [
        ("vng", "VNG"),
        ("collega", "Collega's"),
        ("internet_fora", "Internetfora"),
    ]
    keuze = draft.question("keus")
    assert (keuze["kind"], keuze["max_picks"]) == ("multi_select", 2)
    assert [(i["id"], i["label_nl"]) for i in keuze["items"]] == [
        ("wegen", "Wegen"),
        ("groen", "Groen"),
        ("verlichting", "Verlichting"),
    ]
    roles = dd.Instrument.to_json(draft)
    assert '"label_nl": "Gemeentesecretaris"' in roles

    survey = spss.read_sav(path, draft, attributes=attributes)
    assert survey.problems == []
    rows = survey.respondents()
    assert rows.column("respondent_id") == ["11", "12", "13", "14"]
    assert rows.column("role") == [
        "gemeentesecretaris",
        "beleidsmedewerker",
        "beleidsmedewerker",
        "gemeentesecretaris",
    ]
    assert rows.column("bron.collega") == [0.0, 1.0, 1.0, None]
    assert rows.column("keus.wegen") == [1.0, 0.0, 1.0, None]  # 9 'weet niet' names no option
    assert rows.column("keus.groen") == [1.0, 0.0, 1.0, None]
    assert rows.column("keus.verlichting") == [0.0, 1.0, 0.0, None]
    mentions = {r["item"]: r["count"] for r in survey.mentions("bron").rows}
    assert mentions == {"vng": 2.0, "collega": 2.0, "internet_fora": 2.0}
    assert {r["item"]: r["count"] for r in survey.mentions("keus").rows} == {
        "wegen": 2.0,
        "groen": 2.0,
        "verlichting": 1.0,
    }
    # Written out and read back with the draft: the sets are gone from the file (pyreadstat
    # cannot write them), the columns are not.
    out = tmp_path / "uit.sav"
    spss.write_sav(survey, out)
    assert spss.read_sav(out, draft) == survey


def test_a_dichotomy_set_with_another_counted_value(tmp_path: Path) -> None:
    path = tmp_path / "telwaarde.sav"
    pyreadstat.write_sav(
        pd.DataFrame(
            {
                "respondent_id": ["1", "2", "3"],
                "municipality": ["GM1", "GM2", "GM3"],
                "m_a": [2.0, 1.0, 2.0],
                "m_b": [1.0, 2.0, 9.0],
            }
        ),
        path,
        variable_value_labels={
            "m_a": {1: "Nee", 2: "Ja", 9: "Weet niet"},
            "m_b": {1: "Nee", 2: "Ja", 9: "Weet niet"},
        },
        missing_ranges={"m_a": [9], "m_b": [9]},
    )
    _add_mrsets(path, [("m", "D", 2, "Gekozen", ["m_a", "m_b"])])
    survey = spss.read_sav(path, _draft(path))
    assert survey.respondents().column("m.a") == [1.0, 0.0, 1.0]
    assert survey.respondents().column("m.b") == [0.0, 1.0, None]  # user-missing: no answer


def test_without_pyreadstat_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pyreadstat", None)
    with pytest.raises(ImportError, match=r"doe-democratie\[spss\]"):
        spss.read_sav(tmp_path / "x.sav")
    with pytest.raises(ImportError, match=r"doe-democratie\[spss\]"):
        spss.write_sav(dd.datasets.doe_democratie_2013(), tmp_path / "x.sav")


def test_a_missing_file_and_a_file_that_is_not_spss(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        spss.read_sav(tmp_path / "weg.sav")
    with pytest.raises(FileNotFoundError):
        spss.instrument_from_sav(tmp_path / "weg.sav")
    junk = tmp_path / "antwoorden.sav"
    junk.write_text("respondent_id;municipality\n1;GM0001\n", encoding="utf-8")
    with pytest.raises(dd.ValidationError) as raised:
        spss.read_sav(junk, strict=False)
    (problem,) = raised.value.problems
    assert (problem.kind, problem.file, problem.row) == ("malformed", str(junk), None)
    assert "not a readable SPSS" in problem.message


DOCS = Path(__file__).resolve().parents[2] / "docs" / "spss.md"


def test_the_worked_example_in_docs_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    blocks = re.findall(r"^```python\n(.*?)^```", DOCS.read_text(encoding="utf-8"), re.S | re.M)
    assert blocks
    monkeypatch.chdir(tmp_path)
    for code in blocks:
        exec(compile(code, str(DOCS), "exec"), {"__name__": "__docs__"})
    assert sorted(os.listdir(tmp_path)) == [
        "enquete.sav",
        "enquete_2024.json",
        "geconsolideerd.sav",
    ]


def test_labels_that_differ_only_in_accents_get_distinct_names(tmp_path: Path) -> None:
    path = tmp_path / "accent.sav"
    df = pd.DataFrame({"respondent_id": ["1", "2"], "municipality": ["A", "B"], "v": [1.0, 2.0]})
    pyreadstat.write_sav(df, str(path), variable_value_labels={"v": {1: "Een", 2: "Eén"}})
    draft = spss.instrument_from_sav(path)
    scale = draft.question("v")["scale"]
    assert scale is not None
    labels = [c["label_nl"] for c in draft.scale(scale)["categories"]]
    assert labels == ["Een", "Eén (code 2)"]
    assert spss.read_sav(path, draft).n_respondents == 2
