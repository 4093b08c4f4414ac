"""LimeSurvey in: a structure export (.lss of LimeSurvey 4+, and the tab-separated .txt) drafted
into an instrument; its response export read into a survey whose tables match a hand count."""

from __future__ import annotations

from pathlib import Path

import pytest

import doe_democratie as dd

from conftest import Writer


def _table(name: str, rows: list[dict[str, str]]) -> str:
    """One table of a .lss document: <fields> from the first row, values in CDATA."""
    fields = "".join(f"<fieldname>{f}</fieldname>" for f in rows[0])
    body = "".join(
        "<row>"
        + "".join(f"<{k}><![CDATA[{v}]]></{k}>" if v else f"<{k}/>" for k, v in row.items())
        + "</row>\n"
        for row in rows
    )
    return f"<{name}><fields>{fields}</fields><rows>\n{body}</rows></{name}>\n"


def _question(qid: int, parent: int, kind: str, code: str, order: int, other: str = "N") -> dict[str, str]:
    return {
        "qid": str(qid), "parent_qid": str(parent), "sid": "4711", "gid": "1", "type": kind,
        "title": code, "other": other, "question_order": str(order), "scale_id": "0",
    }


# (qid, code, type, other, Dutch, English)
QUESTIONS = [
    (1, "GEM", "S", "N", "Gemeentecode", "Municipality code"),
    (2, "VERTROUWEN", "F", "N", "Hoeveel vertrouwen heeft u in …", "How much do you trust …"),
    (3, "RAAD", "!", "N", "Kent u de gemeenteraad?", "Do you know the council?"),
    (4, "KANALEN", "M", "N", "Via welke kanalen?", "Through which channels?"),
    (5, "LEEFTIJD", "N", "N", "Uw leeftijd", "Your age"),
]
# (qid, parent, code, Dutch, English)
SUBQUESTIONS = [
    (21, 2, "R1", "de gemeenteraad", "the council"),
    (22, 2, "R2", "het college", "the executive"),
    (41, 4, "WEB", "Website", "Website"),
    (42, 4, "KRANT", "Huis-aan-huisblad", "Local paper"),
]
# (aid, qid, code, Dutch, English)
ANSWERS = [
    (1, 2, "V1", "Veel", "Much"),
    (2, 2, "V2", "Weinig", "Little"),
    (3, 2, "V9", "Geen mening", "No opinion"),
    (4, 3, "J", "Ja", "Yes"),
    (5, 3, "N", "Nee", "No"),
]


def _pick(lang: str, nl: str, en: str) -> str:
    return nl if lang == "nl" else en


def lss() -> str:
    langs = ("nl", "en")
    pick = _pick
    tables = [
        _table("answers", [
            {"aid": str(a), "qid": str(q), "code": c, "sortorder": str(a), "scale_id": "0"}
            for a, q, c, _, _ in ANSWERS
        ]),
        _table("answer_l10ns", [
            {"id": f"{a}{lang}", "aid": str(a), "answer": pick(lang, nl, en), "language": lang}
            for a, _, _, nl, en in ANSWERS for lang in langs
        ]),
        _table("groups", [{"gid": "1", "sid": "4711", "group_order": "1"}]),
        _table("questions", [_question(q, 0, t, c, q, o) for q, c, t, o, _, _ in QUESTIONS]),
        _table("subquestions", [
            _question(q, p, "T", c, q % 10) for q, p, c, _, _ in SUBQUESTIONS
        ]),
        _table("question_l10ns", [
            {"id": f"{q}{lang}", "qid": str(q), "question": pick(lang, nl, en), "language": lang}
            for q, nl, en in [(q[0], q[4], q[5]) for q in QUESTIONS]
            + [(s[0], s[3], s[4]) for s in SUBQUESTIONS]
            for lang in langs
        ]),
        _table("surveys", [{"sid": "4711", "language": "nl", "additional_languages": "en"}]),
        _table("surveys_languagesettings", [
            {"surveyls_survey_id": "4711", "surveyls_language": lang,
             "surveyls_title": pick(lang, "Lokale democratie", "Local democracy")}
            for lang in langs
        ]),
    ]
    return '<?xml version="1.0" encoding="UTF-8"?>\n<document>\n' + "".join(tables) + "</document>\n"


def _tsv_row(cls: str, kind: str, name: str, text: str, lang: str = "", other: str = "") -> str:
    """A row as PHP's fputcsv writes it with a tab: a field with a space is quoted."""
    shown = f'"{text}"' if " " in text else text
    return "\t".join(["", "", cls, kind, name, "1", shown, "", lang, other]) + "\n"


def tsv() -> str:
    header = "id\trelated_id\tclass\ttype/scale\tname\trelevance\ttext\thelp\tlanguage\tother\n"
    row = _tsv_row
    out = header + row("S", "", "sid", "4711") + row("S", "", "language", "nl")
    out += row("S", "", "additional_languages", "en")
    for lang in ("nl", "en"):
        out += row("SL", "", "surveyls_title", "Lokale democratie" if lang == "nl" else "Local democracy", lang)
        out += row("G", "1", "Groep", "", lang)
        for qid, code, kind, other, nl, en in QUESTIONS:
            out += row("Q", kind, code, nl if lang == "nl" else en, lang, other)
            for _, parent, sub, snl, sen in SUBQUESTIONS:
                if parent == qid:
                    out += row("SQ", "", sub, snl if lang == "nl" else sen, lang)
            for _, q, ans, anl, aen in ANSWERS:
                if q == qid:
                    out += row("A", "0", ans, anl if lang == "nl" else aen, lang)
    return out


# Six respondents in three municipalities, the municipality in participant attribute_1.
RESPONSES = (
    '"id","submitdate","lastpage","startlanguage","seed","token","attribute_1","GEM",'
    '"VERTROUWEN[R1]","VERTROUWEN[R2]","RAAD","KANALEN[WEB]","KANALEN[KRANT]","LEEFTIJD"\n'
    '"1","2024-05-01","1","nl","1","t1","GM0014","Groningen","V1","V2","J","Y","","34"\n'
    '"2","2024-05-01","1","nl","2","t2","GM0014","Groningen","V1","V9","N","","Y","51"\n'
    '"3","2024-05-02","1","nl","3","t3","GM0363","Amsterdam","V2","V2","J","Y","Y","47"\n'
    '"4","2024-05-02","1","en","4","t4","GM0363","Amsterdam","V9","V1","J","","","29"\n'
    '"5","2024-05-03","1","nl","5","t5","GM0599","Rotterdam","V1","","","Y","","62"\n'
    '"6","2024-05-03","1","nl","6","t6","GM0599","Rotterdam","V2","V1","N","","Y","40"\n'
)


@pytest.fixture
def structure(write: Writer) -> dd.LimeSurvey:
    return dd.LimeSurvey.from_lss(write("lokale_democratie.lss", lss()))


def test_the_lss_and_the_tab_separated_export_draft_the_same_instrument(
    structure: dd.LimeSurvey,
) -> None:
    assert structure.survey_id == "4711"
    assert (structure.base_language, structure.languages) == ("nl", ["nl", "en"])
    assert structure.question_codes() == ["GEM", "VERTROUWEN", "RAAD", "KANALEN", "LEEFTIJD"]
    draft = structure.instrument()
    assert draft == dd.LimeSurvey.from_tsv_text(tsv()).instrument()
    assert draft == dd.LimeSurvey.from_lss_text(lss()).instrument()
    assert draft.id == "limesurvey_4711"
    assert draft.question_ids() == ["gem", "vertrouwen", "raad", "kanalen"]

    grid = draft.question("vertrouwen")
    assert (grid["kind"], grid["unit"], grid["text_en"]) == ("grid", "respondent", "How much do you trust …")
    assert [(i["id"], i["label_nl"], i["label_en"]) for i in grid["items"]] == [
        ("r1", "de gemeenteraad", "the council"),
        ("r2", "het college", "the executive"),
    ]
    scale = draft.scale(grid["scale"] or "")
    assert [(c["code"], c["id"], c["label_nl"]) for c in scale["categories"]] == [
        (1, "v1", "Veel"),
        (2, "v2", "Weinig"),
    ]
    assert [(m["code"], m["id"], m["kind"]) for m in scale["missing"]] == [(3, "v9", "dont_know")]
    assert draft.question("raad")["kind"] == "single_choice"
    kanalen = draft.question("kanalen")
    assert kanalen["kind"] == "multi_select"
    assert kanalen["columns"] == ["kanalen.web", "kanalen.krant"]
    assert structure.not_converted() == [
        {
            "code": "LEEFTIJD",
            "question_type": "N",
            "reason": "type N (numerical input) has no counterpart in an instrument; add it by "
            "hand if needed",
        }
    ]


def test_english_as_the_language(structure: dd.LimeSurvey) -> None:
    english = dd.LimeSurvey.from_lss_text(lss(), language="en")
    assert english.language == "en"
    assert english.instrument().question("raad")["text_nl"] == "Do you know the council?"
    with pytest.raises(dd.UnknownIdError):
        dd.LimeSurvey.from_lss_text(lss(), language="de")


def test_responses_match_a_hand_count(structure: dd.LimeSurvey, write: Writer) -> None:
    path = write("results.csv", RESPONSES)
    survey = structure.read_responses(path, municipality_column="attribute_1")
    assert (survey.n_respondents, survey.n_municipalities) == (6, 3)
    assert survey.problems == []

    table = survey.frequencies("vertrouwen")

    def count(item: str, category: str) -> float:
        row = table.find(item, "all", category)
        assert row is not None, (item, category)
        return row["count"]

    # De gemeenteraad: V1 r1 r2 r5, V2 r3 r6, V9 r4. Het college: V1 r4 r6, V2 r1 r3, V9 r2.
    assert (count("r1", "v1"), count("r1", "v2"), count("r1", "v9")) == (3.0, 2.0, 1.0)
    assert (count("r2", "v1"), count("r2", "v2"), count("r2", "v9")) == (2.0, 2.0, 1.0)
    base = table.find("r1", "all", "v1")
    assert base is not None and base["base"] == 5.0

    raad = survey.frequencies("raad")
    assert [(r["category"], r["count"]) for r in raad.rows] == [("j", 3.0), ("n", 2.0)]

    mentions = survey.mentions("kanalen")
    picked = {r["item"]: r["count"] for r in mentions.rows}
    # Website r1 r3 r5; huis-aan-huisblad r2 r3 r6; r4 ticked nothing.
    assert picked == {"web": 3.0, "krant": 3.0}
    assert {r["base"] for r in mentions.rows} == {6.0}

    by_text = structure.read_responses_text(RESPONSES, draft_instrument(structure), municipality_column="GEM")
    assert by_text.n_municipalities == 3


def draft_instrument(ls: dd.LimeSurvey) -> dd.Instrument:
    """The draft as a user saves and loads it."""
    return dd.Instrument.from_json(ls.instrument().to_json())


def test_an_unknown_code_names_row_column_and_value(structure: dd.LimeSurvey, write: Writer) -> None:
    path = write("bad.csv", RESPONSES.replace('"V9","V1"', '"V7","V1"'))
    with pytest.raises(dd.ValidationError) as info:
        structure.read_responses(path, municipality_column="attribute_1")
    problem = info.value.problems[0]
    assert (problem.kind, problem.file, problem.row, problem.column, problem.value) == (
        "invalid_code",
        str(path),
        5,
        "VERTROUWEN[R1]",
        "V7",
    )
    lenient = structure.read_responses(path, municipality_column="attribute_1", strict=False)
    assert lenient.n_respondents == 6
    assert [p.value for p in lenient.problems] == ["V7"]


def test_an_unknown_heading_and_a_missing_municipality_column(structure: dd.LimeSurvey) -> None:
    text = "id,GEM,ONBEKEND,VERTROUWEN[R3]\n1,GM0014,x,V1\n"
    survey = structure.read_responses_text(text, municipality_column="GEM", strict=False)
    assert [(p.kind, p.row, p.column) for p in survey.problems] == [
        ("unknown_column", 1, "ONBEKEND"),
        ("unknown_column", 1, "VERTROUWEN[R3]"),
    ]
    with pytest.raises(dd.ValidationError) as info:
        structure.read_responses_text(text, municipality_column="gemeente")
    assert info.value.problems[0].kind == "missing_column"


def test_malformed_structures_raise_instrument_error(write: Writer) -> None:
    with pytest.raises(dd.InstrumentError) as info:
        dd.LimeSurvey.from_lss_text("<document>\n<questions>\n</document>", source_name="kapot.lss")
    assert (info.value.source_name, info.value.line) == ("kapot.lss", 3)
    assert "not well-formed" in info.value.message
    broken = lss().replace("<parent_qid><![CDATA[4]]></parent_qid>", "<parent_qid><![CDATA[9]]></parent_qid>")
    with pytest.raises(dd.InstrumentError, match="names parent_qid 9"):
        dd.LimeSurvey.from_lss(write("orphan.lss", broken))
    with pytest.raises(FileNotFoundError):
        dd.LimeSurvey.from_tsv(Path("/no/such/structure.txt"))


def test_a_structure_compares_and_pickles(structure: dd.LimeSurvey) -> None:
    import pickle

    assert pickle.loads(pickle.dumps(structure)) == structure
    assert dd.LimeSurvey.from_lss_text(lss(), "other.lss") != structure  # the source differs
    again = dd.LimeSurvey.from_lss_text(lss(), "x.lss")
    assert again == dd.LimeSurvey.from_lss_text(lss(), "x.lss")


def test_ignore_columns_applies_to_a_response_export(structure: dd.LimeSurvey) -> None:
    extra = RESPONSES.replace('"LEEFTIJD"\n', '"LEEFTIJD","NOTITIE"\n', 1)
    extra = "\n".join(
        line + ',"x"' if i > 0 and line else line for i, line in enumerate(extra.split("\n"))
    )
    with pytest.raises(dd.ValidationError):
        structure.read_responses_text(extra, municipality_column="attribute_1")
    survey = structure.read_responses_text(
        extra, municipality_column="attribute_1", ignore_columns="unknown"
    )
    assert survey.ignored_columns == ["NOTITIE"]
