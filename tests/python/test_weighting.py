"""Frames, weights and representativeness from Python: the same numbers as tests/weighting.rs
(hand calculations, scipy.stats.chisquare, R's survey::rake), the objects and the errors."""

from __future__ import annotations

import csv
import math
import pickle
from pathlib import Path

import pandas as pd
import pytest

import doe_democratie as dd
from doe_democratie import datasets

from conftest import Writer

DATA = Path(__file__).resolve().parents[1] / "data" / "inference"


@pytest.fixture(scope="module")
def survey() -> dd.Survey:
    return datasets.doe_democratie_2013()


@pytest.fixture(scope="module")
def synthetic() -> dd.Frame:
    return dd.Frame.from_csv(DATA / "frame_2013_synthetic.csv")


@pytest.fixture(scope="module")
def rakeable(synthetic: dd.Frame) -> dd.Frame:
    """The synthetic frame with Zeeland (no sample municipality) merged into Noord-Brabant."""
    provinces: dict[str, tuple[list[str], int]] = {}
    for stratum, (levels, count) in synthetic.margin("province").items():
        if stratum != "zeeland":
            provinces[stratum] = (levels, count)
    _, zeeland = synthetic.margin("province")["zeeland"]
    levels, count = provinces["noord_brabant"]
    provinces["noord_brabant"] = (levels + ["zeeland"], count + zeeland)
    return synthetic.with_strata("province", provinces)


def test_bundled_frame() -> None:
    frame = dd.Frame.municipalities_2013()
    assert frame.total == 408
    assert frame.attributes == ["size_class"]
    assert frame.margin("size_class") == {
        "lt_20k": (["lt_20k"], 142),
        "20k_100k": (["20k_50k", "50k_100k"], 239),
        "100k_plus": (["100k_plus"], 27),
    }
    assert frame.note is not None and "not in our sources" in frame.note
    assert frame.source is not None and "CBS" in frame.source
    assert frame.municipalities is None
    assert frame.stratum_of("size_class", "50k_100k") == 1
    assert "408 municipalities" in repr(frame)
    with pytest.raises(dd.UnknownIdError):
        frame.margin("province")
    assert pickle.loads(pickle.dumps(frame)) == frame


def test_from_strata_counts_and_shorthand() -> None:
    frame = dd.Frame.from_strata(
        "size_class",
        {"lt_20k": 142, "20k_100k": (["20k_50k", "50k_100k"], 239), "100k_plus": 27},
    )
    assert frame.margin("size_class") == dd.Frame.municipalities_2013().margin("size_class")
    with pytest.raises(dd.InvalidArgumentError, match="not covered: 100k_plus"):
        dd.Frame.from_strata("size_class", {"lt_20k": 142, "x": (["20k_50k", "50k_100k"], 239)})
    with pytest.raises(dd.InvalidArgumentError, match="strata"):
        dd.Frame.from_strata("size_class", {"lt_20k": "many"})  # type: ignore[dict-item]


def test_post_stratified_weights_by_hand(survey: dd.Survey) -> None:
    w = survey.post_stratify(dd.Frame.municipalities_2013(), by="size_class")
    assert w.method == "post_stratified"
    assert len(w) == len(w.values) == len(w.municipalities) == 98
    expected = {142 / 33, 239 / 55, 27 / 10}
    assert set(w.values) == expected
    assert math.isclose(sum(w.values), 408, rel_tol=1e-12)
    squares = 142**2 / 33 + 239**2 / 55 + 27**2 / 10
    assert math.isclose(w.kish_deff, 98 * squares / 408**2, rel_tol=1e-12)
    assert math.isclose(w.effective_n, 408**2 / squares, rel_tol=1e-12)
    assert math.isclose(w.kish_deff, 1.0140595327554671, rel_tol=1e-12)
    assert (w.iterations, w.trimmed, w.frame_total) == (0, 0, 408)
    [margin] = w.margins
    assert margin["categories"] == ["lt_20k", "20k_100k", "100k_plus"]
    assert margin["targets"] == [142.0, 239.0, 27.0]
    df = w.to_pandas()
    assert list(df.columns) == ["municipality", "weight"]
    assert df["weight"].tolist() == w.values
    assert pickle.loads(pickle.dumps(w)) == w
    assert "post_stratified" in repr(w)


def test_raking_reproduces_the_margins(survey: dd.Survey, rakeable: dd.Frame) -> None:
    w = survey.rake(rakeable)
    assert w.method == "raked"
    for margin in w.margins:
        totals = [0.0] * len(margin["categories"])
        for h, x in zip(margin["of_unit"], w.values):
            totals[h] += x
        for total, target in zip(totals, margin["targets"]):
            assert math.isclose(total, target, rel_tol=1e-9)


def test_raked_weights_equal_r(survey: dd.Survey, rakeable: dd.Frame) -> None:
    # raked_weights.csv: R's rake() to convergence (maxit = 100, epsilon = 1e-14).
    ours = dict(zip(*_raked(survey.rake(rakeable, tolerance=1e-13))))
    with open(DATA / "raked_weights.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 98
    for row in rows:
        assert abs(ours[row["municipality"]] - float(row["weight"])) <= 1e-11
    # R's default control (maxit = 10, epsilon = 1) stops after 4 cycles; epsilon asks for it.
    w = survey.rake(rakeable, ["size_class", "province"], max_iterations=10, epsilon=1.0)
    assert w.iterations == 4
    assert abs(dict(zip(*_raked(w)))["R001"] - 2.741843777320613) <= 1e-9


def _raked(w: dd.Weights) -> tuple[list[str], list[float]]:
    return w.municipalities, w.values


def test_unreachable_targets_raise_weighting_error(
    survey: dd.Survey, synthetic: dd.Frame, rakeable: dd.Frame
) -> None:
    # The synthetic frame has Zeeland; the reconstruction has no municipality there.
    with pytest.raises(dd.WeightingError) as info:
        survey.rake(synthetic)
    assert (info.value.margin, info.value.category) == ("province", "zeeland")
    assert isinstance(info.value, ValueError)
    # 27 / 10 per municipality from 100,000 is 0.65 times the mean weight 408 / 98.
    with pytest.raises(dd.WeightingError) as info:
        survey.rake(dd.Frame.municipalities_2013(), ["size_class"], trim=(0.9, 1.1))
    assert (info.value.margin, info.value.category) == ("size_class", "100k_plus")
    assert "trim bounds cannot be met" in info.value.message
    with pytest.raises(dd.WeightingError, match="did not converge in 1 iterations"):
        survey.rake(rakeable, max_iterations=1)
    with pytest.raises(dd.WeightingError) as info:
        survey.rake(dd.Frame.municipalities_2013())
    assert (info.value.margin, info.value.category) == ("province", None)


def test_trimming(survey: dd.Survey, rakeable: dd.Frame) -> None:
    w = survey.rake(rakeable, trim=(0.5, 100.0), max_iterations=1000)
    assert (w.trimmed, w.iterations) == (8, 52)
    assert min(w.values) >= 0.5 * 408 / 98 * (1 - 1e-12)


def test_representativeness_matches_scipy(survey: dd.Survey) -> None:
    r = survey.representativeness(dd.Frame.municipalities_2013(), by="size_class")
    # scipy.stats.chisquare([33, 55, 10], [98 * 142 / 408, 98 * 239 / 408, 98 * 27 / 408])
    assert math.isclose(r.statistic, 2.041689734608755, rel_tol=1e-12)
    assert math.isclose(r.p_value, 0.3602904139582376, rel_tol=1e-12)
    assert (r.df, r.n_sample, r.frame_total, r.not_in_frame) == (2, 98, 408, [])
    df = r.to_pandas()
    assert list(df.columns) == [
        "stratum",
        "levels",
        "sample",
        "frame",
        "response_rate",
        "sample_share",
        "frame_share",
        "expected",
    ]
    assert df["sample"].tolist() == [33, 55, 10]
    assert df["frame"].tolist() == [142, 239, 27]
    assert math.isclose(df["response_rate"][2], 10 / 27)
    assert r.to_csv().splitlines()[2].startswith("20k_100k,20k_50k+50k_100k,55,239,")
    assert pickle.loads(pickle.dumps(r)) == r
    assert "X² = 2.0417" in repr(r)


def test_representativeness_lists_municipalities_missing_from_the_frame(
    synthetic: dd.Frame,
) -> None:
    s = dd.Survey.from_dict(
        {
            "respondent_id": ["1", "2"],
            "municipality": ["R001", "GM9999"],
            "inhabitants": [8789, 30000],
            "province": ["overijssel", "groningen"],
        }
    )
    r = s.representativeness(synthetic)
    assert r.not_in_frame == ["GM9999"]
    # scipy.stats.chisquare([1, 1, 0, 0], [2 * 142 / 408, 2 * 170 / 408, 2 * 69 / 408, 2 * 27 / 408])
    assert math.isclose(r.statistic, 0.6366197183098592, rel_tol=1e-12)
    assert math.isclose(r.p_value, 0.8880002987330775, rel_tol=1e-12)


def test_frame_table_from_csv_and_pandas(write: Writer, synthetic: dd.Frame) -> None:
    assert synthetic.total == 408
    assert [c for _, c in synthetic.margin("size_class").values()] == [142, 170, 69, 27]
    munis = synthetic.municipalities
    assert munis is not None and munis[0]["code"] == "R001"
    path = write("frame.csv", "\ufeffcode;name;inhabitants;province\nGM1;Een;150.000;Zuid-Holland\n")
    frame = dd.Frame.from_csv(path)
    assert frame.margin("province") == {"zuid_holland": (["zuid_holland"], 1)}
    df = pd.DataFrame(
        {
            "code": ["GM1", "GM2"],
            "name": ["a", "b"],
            "inhabitants": [12000, 60000],
            "province": ["groningen", "drenthe"],
        }
    )
    frame = dd.Frame.from_pandas(df)
    assert frame.margin("size_class") == {"lt_20k": (["lt_20k"], 1), "50k_100k": (["50k_100k"], 1)}
    assert pickle.loads(pickle.dumps(frame)) == frame


def test_frame_csv_problems_are_located(write: Writer) -> None:
    text = (
        "code,name,inhabitants,province\n"
        "GM1,a,12000,groningen\n"
        "GM1,b,13000,groningen\n"
        "GM4,d,14000,atlantis\n"
        "GM5,e,,drenthe\n"
    )
    with pytest.raises(dd.ValidationError) as info:
        dd.Frame.from_csv(write("bad.csv", text))
    got = [(p.kind, p.row, p.column, p.value) for p in info.value.problems]
    assert got == [
        ("inconsistent_municipality", 3, "code", "GM1"),
        ("invalid_attribute", 4, "province", "atlantis"),
        ("invalid_inhabitants", 5, "inhabitants", None),
    ]
    df = pd.DataFrame({"code": ["GM1"], "inhabitants": ["150,000"], "province": ["groningen"]})
    with pytest.raises(dd.ValidationError) as info:
        dd.Frame.from_pandas(df)
    [problem] = info.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "<pandas>",
        1,
        "inhabitants",
        "150,000",
    )


def test_arguments_are_checked(survey: dd.Survey, rakeable: dd.Frame) -> None:
    with pytest.raises(dd.UnknownIdError):
        survey.post_stratify(rakeable, by="size")  # type: ignore[arg-type]
    with pytest.raises(dd.InvalidArgumentError, match="tolerance"):
        survey.rake(rakeable, tolerance=0.0)
    with pytest.raises(dd.InvalidArgumentError, match="trim"):
        survey.rake(rakeable, trim=(2.0, 1.0))
    with pytest.raises(TypeError):
        survey.rake(rakeable, "size_class")  # type: ignore[arg-type]
