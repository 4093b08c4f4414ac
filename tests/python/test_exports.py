"""Exports as users open them: CSV for Dutch Excel (`;`, decimal comma, byte-order mark)."""

from __future__ import annotations

import pytest

import doe_democratie as dd


@pytest.fixture(scope="module")
def survey() -> dd.Survey:
    return dd.datasets.doe_democratie_2013()


def test_csv_for_dutch_excel(survey: dd.Survey) -> None:
    t = survey.net_shares("strategy_use", "top2", items=["seed_money"], ci="logit")
    text = t.to_csv(sep=";", decimal=",", bom=True)
    assert text.startswith("\ufeffquestion;item;group;category")
    header, row = text.lstrip("\ufeff").splitlines()[:2]
    cells = dict(zip(header.split(";"), row.split(";")))
    r = t.rows[0]
    assert float(cells["estimate"].replace(",", ".")) == r["estimate"]
    assert "," in cells["percentage"] and "." not in cells["percentage"]
    assert cells["label_nl"] == r["label_nl"]  # text keeps its points
    m = survey.municipalities().to_csv(sep=";", decimal=",")
    assert m.splitlines()[0].startswith("municipality;municipality_name;inhabitants")
    with pytest.raises(dd.InvalidArgumentError, match="decimal"):
        t.to_csv(sep=",", decimal=",")


def test_to_polars_matches_to_pandas(survey: dd.Survey) -> None:
    pl = pytest.importorskip("polars")
    t = survey.net_shares("strategy_use", "top2", by="size_class", ci="logit", test="rao_scott")
    df = t.to_polars()
    pdf = t.to_pandas()
    assert df.columns == list(pdf.columns)
    assert df.schema["count"] == pl.Float64 and df.schema["printed"] == pl.Int64
    assert df.schema["small_base"] == pl.Boolean and df.schema["letters"] == pl.String
    assert df["estimate"].to_list() == pdf["estimate"].tolist()
    assert df.height == len(t)
    # a table without inference has only the row fields, and all-null columns keep their types
    plain = survey.frequencies("forms_occurrence").to_polars()
    assert "estimate" not in plain.columns and plain.schema["rank"] == pl.Int64


def test_item_and_category_labels_mean_one_thing(survey: dd.Survey) -> None:
    # label_nl is the category's label for frequencies but the option's for mentions;
    # item_label and category_label each say one thing, in the chosen language.
    f = survey.frequencies("strategy_use", items=["seed_money"])
    r = f.find("seed_money", "all", "often")
    assert r is not None
    assert r["category_label"] == r["label_nl"] == "Vaak, dit is een gangbare praktijk"
    assert r["item_label"] and r["item_label"] != r["category_label"]
    m = survey.mentions("support_provider")
    first = m.rows[0]
    assert first["item_label"] == first["label_nl"] and first["category_label"] == "genoemd"
    en = survey.frequencies("strategy_use", items=["seed_money"], lang="en")
    e = en.find("seed_money", "all", "often")
    assert e is not None and e["category_label"] == "Often, this is common practice"
    assert e["label_nl"] == r["label_nl"]  # the report's Dutch label stays beside it
    single = survey.frequencies("citizen_support_need_insight").rows[0]
    assert single["item_label"] is None
    with pytest.raises(dd.UnknownIdError):
        survey.frequencies("strategy_use", lang="fr")  # type: ignore[arg-type]
