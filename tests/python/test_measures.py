"""Measures, Table and consolidation through Python: published numbers on the bundled data, the
Table object (rows, find, pandas, repr, HTML, CSV/JSON, pickling) and the option conversions."""

from __future__ import annotations

import copy
import io
import json
import pickle
from typing import Any

import pytest

import doe_democratie as dd
from doe_democratie import datasets

from conftest import SEED, SOCIAL, Writer

ROW_FIELDS = [
    "question",
    "item",
    "group",
    "category",
    "label_nl",
    "item_label",
    "category_label",
    "count",
    "base",
    "percentage",
    "printed",
    "unit",
    "in_base",
    "rank",
    "tied",
]


@pytest.fixture(scope="module")
def survey() -> dd.Survey:
    return datasets.doe_democratie_2013()


# --- published numbers (the Rust acceptance test checks all 356; these cross the boundary) ----


def test_bundled_reconstruction(survey: dd.Survey) -> None:
    assert (survey.n_respondents, survey.n_municipalities) == (126, 98)
    assert survey.problems == []
    assert survey == datasets.doe_democratie_2013()
    assert datasets.doe_democratie_2013.__doc__ and "SYNTHETIC" in datasets.doe_democratie_2013.__doc__
    assert datasets.__doc__ and "Synthetic" in datasets.__doc__


def test_fig_3_3_seed_money(survey: dd.Survey) -> None:
    t = survey.frequencies("strategy_use", tag=("rung", "facilitating"))
    printed = {
        c: t.find("seed_money", "all", c)["printed"]  # type: ignore[index]
        for c in ["often", "regularly", "sometimes", "not_at_all"]
    }
    assert printed == {"often": 2, "regularly": 10, "sometimes": 31, "not_at_all": 57}
    row = t.find("seed_money", "all", "often")
    assert row is not None and row["base"] == 82 and row["unit"] == "municipality"
    dk = t.find("seed_money", "all", "dont_know")
    assert dk is not None and dk["in_base"] is False and dk["percentage"] is None
    # The tag selects the facilitating strategies only.
    assert {r["item"] for r in t.rows} >= {"seed_money", "initiative_desk"}
    assert t.find("reliable_partner", "all", "often") is None


def test_fig_4_2_vng_mentions(survey: dd.Survey) -> None:
    t = survey.mentions("support_provider")
    row = t.find("vng", "all", "mentioned")
    assert row is not None
    assert (row["count"], row["base"], row["printed"], row["rank"]) == (71, 126, 56, 1)
    assert row["unit"] == "respondent"
    assert t.measure == "mentions" and t.id == "mentions:support_provider"


def test_kf5_reliable_partner_top2(survey: dd.Survey) -> None:
    t = survey.net_shares("strategy_use", "top2", items=["reliable_partner"])
    assert [r["item"] for r in t.rows] == ["reliable_partner"]
    row = t.rows[0]
    assert (row["category"], row["base"], row["printed"]) == ("top2", 87, 73)
    assert t.measure == "net:top2"
    # `net` defaults to the top-2 box.
    assert survey.net_shares("strategy_use", items=["reliable_partner"]) == t


def test_social_entrepreneurship_by_size_class_on_substantive_base(survey: dd.Survey) -> None:
    t = survey.frequencies(
        "forms_occurrence", by="size_class", items=["social_entrepreneurship"], base="substantive"
    )
    printed = {
        g: t.find("social_entrepreneurship", g, "yes")["printed"]  # type: ignore[index]
        for g in ["100k_plus", "50k_100k"]
    }
    assert printed == {"100k_plus": 90, "50k_100k": 70}
    # Merged groups as the report's text uses them.
    merged = survey.frequencies(
        "forms_occurrence",
        by={"attribute": "size_class", "groups": {"lt_50k": ["lt_20k", "20k_50k"]}},
        items=["social_entrepreneurship"],
        base="substantive",
    )
    assert merged.find("social_entrepreneurship", "lt_50k", "yes")["printed"] == 50  # type: ignore[index]
    assert [g for g in dict.fromkeys(r["group"] for r in merged.rows)] == ["all", "lt_50k"]


def test_python_equals_the_report_spec(survey: dd.Survey) -> None:
    """The same measure through Survey and through the 2013 ReportSpec gives the same rows."""
    report = dd.ReportSpec.doe_democratie_2013().run(survey)
    fig = report.table("fig_3_3")
    direct = survey.frequencies("strategy_use", tag=("rung", "facilitating"))
    assert fig.rows == direct.rows
    assert fig.id == "fig_3_3" and fig.title.startswith("Figuur 3.3")


def test_rules_change_the_counts(survey: dd.Survey) -> None:
    split = survey.frequencies("strategy_use", items=["initiative_desk"])
    median = survey.frequencies(
        "strategy_use", items=["initiative_desk"], rules={"strategy_use": "median"}
    )
    assert split != median
    counts = [r["count"] for r in median.rows]
    assert all(c == int(c) for c in counts)  # one whole answer per municipality


# --- Table as a Python object -------------------------------------------------------------------


def test_table_rows_and_properties(survey: dd.Survey) -> None:
    t = survey.frequencies("strategy_use", items=["seed_money", "reliable_partner"])
    assert len(t) == len(t.rows) == 10
    assert list(t.rows[0]) == ROW_FIELDS
    assert t.id == "frequencies:strategy_use"
    assert t.measure == "frequencies"
    assert t.title
    assert t.find(None, "all", "often") is None


def test_table_to_pandas(survey: dd.Survey) -> None:
    pd = pytest.importorskip("pandas")
    t = survey.net_shares("strategy_use", by="size_class")
    df = t.to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ROW_FIELDS
    assert df.shape == (len(t), 15)
    assert str(df["printed"].dtype) == "Int64"
    assert str(df["tied"].dtype) == "boolean"
    assert df["count"].dtype == "float64"
    assert df["tied"].isna().all()
    first = df.iloc[0]
    assert (first["group"], first["category"]) == ("all", "top2")
    assert df.equals(pd.DataFrame(t.rows).astype(df.dtypes.to_dict()))
    # Mentions fill rank and tied.
    m = survey.mentions("support_provider").to_pandas()
    assert m["rank"].min() == 1 and not m["tied"].isna().any()


def test_table_to_pandas_without_pandas(survey: dd.Survey, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"to_pandas\(\) needs pandas.*pip install pandas"):
        survey.mentions("support_provider").to_pandas()


def test_table_repr_html_csv_json(survey: dd.Survey) -> None:
    t = survey.frequencies("strategy_use")
    text = repr(t)
    assert text.startswith(t.title) and "[frequencies], 75 rows" in text
    assert text.splitlines()[-1].strip() == "… 55 more rows"
    assert len(text.splitlines()) == 22
    small = survey.net_shares("strategy_use", items=["seed_money"])
    assert "… " not in repr(small) and "seed_money" in repr(small)

    html = t._repr_html_()
    assert html.startswith('<div class="doe-democratie-table">')
    assert html.count("<tr>") == 31  # header + the first 30 rows (the notebook row cap)
    assert "45 more rows" in html

    csv = t.to_csv()
    lines = csv.splitlines()
    assert lines[0] == ",".join(ROW_FIELDS)
    assert len(lines) == 76

    data = json.loads(t.to_json())
    assert data["id"] == t.id and len(data["rows"]) == 75
    assert dd.Table.from_json(t.to_json()) == t
    with pytest.raises(dd.InvalidArgumentError):
        dd.Table.from_json("{}")


@pytest.mark.parametrize("protocol", [0, pickle.DEFAULT_PROTOCOL, pickle.HIGHEST_PROTOCOL])
def test_table_pickle_and_copy(survey: dd.Survey, protocol: int) -> None:
    t = survey.frequencies("forms_occurrence", by="size_class")
    again = pickle.loads(pickle.dumps(t, protocol=protocol))
    assert isinstance(again, dd.Table)
    assert again == t and again.rows == t.rows
    assert copy.deepcopy(t) == t
    assert t != survey.frequencies("forms_occurrence")
    assert t != "a table"


def test_table_equality_keeps_float_precision(survey: dd.Survey) -> None:
    t = survey.frequencies("strategy_use", items=["initiative_desk"])
    assert any(r["count"] != int(r["count"]) for r in t.rows)  # split weights: fractions
    assert pickle.loads(pickle.dumps(t)).rows == t.rows


# --- option conversions -------------------------------------------------------------------------


BAD_OPTIONS: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"by": "gemeente"}, dd.UnknownIdError, "attribute"),
    ({"by": 3}, dd.InvalidArgumentError, "by"),
    ({"by": {"groups": {}}}, dd.InvalidArgumentError, "needs an 'attribute'"),
    ({"by": {"attribute": "size_class", "colour": 1}}, dd.InvalidArgumentError, "colour"),
    ({"by": {"attribute": "size_class", "groups": {"small": ["tiny"]}}}, dd.InvalidArgumentError, "tiny"),
    ({"by": {"attribute": "size_class", "groups": {"small": "lt_20k"}}}, dd.InvalidArgumentError, "list of str"),
    ({"by": {"attribute": "size_class", "groups": {"small": []}}}, dd.InvalidArgumentError, "no levels"),
    ({"by": "role"}, dd.InvalidArgumentError, "role"),
    ({"rules": {"strategy_use": "average"}}, dd.InvalidArgumentError, "unknown policy 'average'"),
    ({"rules": {"strategy_usage": "median"}}, dd.UnknownIdError, "strategy_usage"),
    ({"rules": {"strategy_use": "any_yes"}}, dd.InvalidArgumentError, "exactly 2 categories"),
    ({"rules": {"support_need": "median"}}, dd.InvalidArgumentError, "per respondent"),
    ({"rules": {"strategy_use": 1}}, dd.InvalidArgumentError, "must be a str"),
    ({"rules": ["strategy_use", "median"]}, dd.InvalidArgumentError, "dict"),
    ({"items": "seed_money"}, dd.InvalidArgumentError, "list of str"),
    ({"items": []}, dd.InvalidArgumentError, "pass None"),
    ({"items": ["seed_monie"]}, dd.UnknownIdError, "seed_monie"),
    ({"items": [1]}, dd.InvalidArgumentError, "must be a str"),
    ({"tag": "rung"}, dd.InvalidArgumentError, "pair"),
    ({"tag": ("rung", "facilitating", "x")}, dd.InvalidArgumentError, "pair"),
    ({"tag": ("ladder", "facilitating")}, dd.UnknownIdError, "ladder"),
    ({"tag": ("rung", "leading")}, dd.UnknownIdError, "leading"),
    ({"base": "all"}, dd.InvalidArgumentError, "'scale' or 'substantive'"),
]


@pytest.mark.parametrize(("options", "cls", "text"), BAD_OPTIONS, ids=[str(o) for o, _, _ in BAD_OPTIONS])
def test_bad_options_raise_the_right_class(
    survey: dd.Survey, options: dict[str, Any], cls: type[Exception], text: str
) -> None:
    with pytest.raises(cls, match=text) as info:
        survey.frequencies("strategy_use", **options)
    assert isinstance(info.value, dd.DoeDemocratieError)


def test_bad_questions_and_nets(survey: dd.Survey) -> None:
    with pytest.raises(dd.UnknownIdError) as info:
        survey.frequencies("strategy_usage")
    assert (info.value.kind, info.value.id) == ("question", "strategy_usage")
    assert isinstance(info.value, KeyError)
    with pytest.raises(dd.UnknownIdError, match="top4"):
        survey.net_shares("strategy_use", "top4")
    with pytest.raises(dd.InvalidArgumentError, match="multi_select"):
        survey.mentions("strategy_use")
    with pytest.raises(dd.InvalidArgumentError, match="scale"):
        survey.frequencies("strategy_most_successful")
    with pytest.raises(TypeError):
        survey.frequencies("strategy_use", "size_class")  # type: ignore[call-arg]


def test_role_breakdown_for_respondent_questions(survey: dd.Survey) -> None:
    t = survey.mentions("support_provider", by="role")
    assert t.rows[0]["group"] == "all"
    assert len({r["group"] for r in t.rows}) > 1


# --- consolidation ------------------------------------------------------------------------------


@pytest.fixture
def small(write: Writer) -> dd.Survey:
    text = (
        f"respondent_id,municipality,{SOCIAL},{SEED}\n"
        "r1,GM0001,Ja,1\n"
        "r2,GM0001,Nee,3\n"
        "r3,GM0002,Ja,2\n"
    )
    return dd.Survey.from_csv(write("small.csv", text))


def test_consolidate_default_split(small: dd.Survey) -> None:
    np = pytest.importorskip("numpy")
    col = small.consolidate(SEED)
    assert (col["column"], col["unit"], col["n_units"]) == (SEED, "municipality", 2)
    assert isinstance(col["units"], np.ndarray) and col["units"].dtype == np.uint32
    assert col["codes"].dtype == np.uint16  # type: ignore[union-attr]
    assert col["weights"].dtype == np.float64  # type: ignore[union-attr]
    assert list(col["units"]) == [0, 0, 1]
    assert list(col["codes"]) == [1, 3, 2]
    assert list(col["weights"]) == [0.5, 0.5, 1.0]


def test_consolidate_with_a_policy(small: dd.Survey) -> None:
    median = small.consolidate(SEED, policy="median")
    assert (list(median["codes"]), list(median["weights"])) == ([2, 2], [1.0, 1.0])
    any_yes = small.consolidate(SOCIAL, policy="any_yes")
    assert list(any_yes["codes"]) == [1, 1]
    with pytest.raises(dd.InvalidArgumentError, match="unknown policy"):
        small.consolidate(SEED, policy="average")  # type: ignore[arg-type]
    with pytest.raises(dd.InvalidArgumentError, match="exactly 2 categories"):
        small.consolidate(SEED, policy="any_yes")
    with pytest.raises(dd.UnknownIdError, match="column"):
        small.consolidate("strategy_use.seed_monie", policy="median")
    with pytest.raises(dd.UnknownIdError, match="column"):
        small.consolidate("strategy_use.seed_monie")
    with pytest.raises(dd.InvalidArgumentError, match="open text"):
        small.consolidate("examples", policy="split")


def test_consolidate_without_numpy(small: dd.Survey, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "numpy", None)
    col = small.consolidate(SEED)
    assert col["units"] == [0, 0, 1] and col["weights"] == [0.5, 0.5, 1.0]


def test_provenance_and_disagreements(small: dd.Survey) -> None:
    p = small.provenance()
    assert p["respondents"] == {"GM0001": 2, "GM0002": 1}
    assert list(p["respondents"]) == ["GM0001", "GM0002"]
    expected = [
        {"municipality": "GM0001", "column": SOCIAL, "answers": [("r1", 1), ("r2", 2)]},
        {"municipality": "GM0001", "column": SEED, "answers": [("r1", 1), ("r2", 3)]},
    ]
    assert p["disagreements"] == expected
    assert small.disagreements() == expected


def test_disagreements_as_a_dataframe(survey: dd.Survey) -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(survey.disagreements())
    assert list(df.columns) == ["municipality", "column", "answers"]
    provenance = survey.provenance()
    assert len(df) == len(provenance["disagreements"]) > 0
    # Only municipalities with several respondents can disagree.
    several = {m for m, n in provenance["respondents"].items() if n > 1}
    assert set(df["municipality"]) <= several


def test_measures_release_the_gil(survey: dd.Survey) -> None:
    """Measures run from several threads at once and agree (they run with the GIL released)."""
    from concurrent.futures import ThreadPoolExecutor

    def run(_: int) -> dd.Table:
        return survey.frequencies("strategy_use", by="size_class")

    with ThreadPoolExecutor(4) as pool:
        tables = list(pool.map(run, range(8)))
    assert all(t == tables[0] for t in tables)


def test_measure_output_is_printable(survey: dd.Survey) -> None:
    buf = io.StringIO()
    print(survey.mentions("forms_most_typical"), file=buf)
    assert "mentioned" in buf.getvalue()
