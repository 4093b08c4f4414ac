"""Intervals, tests and municipality-level data from Python, checked against scipy and
statsmodels (the design-based numbers against R are in tests/inference.rs)."""

from __future__ import annotations

import math
from typing import Any

import pytest

import doe_democratie as dd

scipy_stats = pytest.importorskip("scipy.stats")
proportion = pytest.importorskip("statsmodels.stats.proportion")
multitest = pytest.importorskip("statsmodels.stats.multitest")

ANY_YES = {"forms_occurrence": "any_yes"}
MEDIAN = {"strategy_use": "median"}


@pytest.fixture(scope="module")
def survey() -> dd.Survey:
    return dd.datasets.doe_democratie_2013()


def _tests_of(table: dd.Table) -> list[Any]:
    inference = table.inference
    assert inference is not None
    return list(inference["tests"])


def rows(table: dd.Table, group: str = "all") -> list[Any]:
    return [r for r in table.rows if r["group"] == group]


@pytest.mark.parametrize(
    ("ci", "method"), [("wilson", "wilson"), ("clopper_pearson", "beta")]
)
def test_simple_intervals_equal_statsmodels(survey: dd.Survey, ci: str, method: str) -> None:
    # Without a frame, whole-number consolidation and every municipality in the base, the design
    # is a simple random sample of 98 with weights 1: the textbook intervals on x of 98.
    table = survey.frequencies("forms_occurrence", rules=ANY_YES, ci=ci)  # type: ignore[arg-type]
    checked = 0
    for r in rows(table):
        assert r["base"] == 98
        if r["count"] in (0, 98):
            continue
        lo, hi = proportion.proportion_confint(int(r["count"]), 98, alpha=0.05, method=method)
        assert r["lower"] == pytest.approx(lo, abs=1e-9)
        assert r["upper"] == pytest.approx(hi, abs=1e-9)
        assert r["deff"] == pytest.approx(1.0, abs=1e-12)
        checked += 1
    assert checked >= 18


def test_wald_interval_and_se_by_hand(survey: dd.Survey) -> None:
    # SRS without replacement from 408: se² = (1 − 98/408) · p(1 − p)/(n − 1) with n = 98 in base.
    table = survey.frequencies("forms_occurrence", rules=ANY_YES, ci="wald",
                               frame=dd.Frame.municipalities_2013())
    r = table.find("self_management_public_space", "all", "yes")
    assert r is not None
    p = r["count"] / 98
    se = math.sqrt((1 - 98 / 408) * p * (1 - p) / 97)
    assert r["estimate"] == pytest.approx(p, abs=1e-12)
    assert r["se"] == pytest.approx(se, rel=1e-12)
    z = scipy_stats.norm.ppf(0.975)
    assert r["lower"] == pytest.approx(p - z * se, abs=1e-12)
    assert r["n_eff"] == pytest.approx(98, rel=1e-9)  # units / deff; the fpc is in both variances


def counts_table(table: dd.Table, categories: list[str]) -> list[list[float]]:
    """Groups (all but `all`) × categories, from a frequencies table of one item."""
    groups = [g for g in dict.fromkeys(r["group"] for r in table.rows) if g != "all"]
    return [
        [next(r["count"] for r in table.rows if r["group"] == g and r["category"] == c)
         for c in categories]
        for g in groups
    ]


def test_pearson_equals_scipy(survey: dd.Survey) -> None:
    # Under split the counts are fractional; scipy takes them as they are.
    for rules in (None, MEDIAN):
        t = survey.frequencies("strategy_use", by="size_class", items=["seed_money"],
                               rules=rules, test="pearson")
        cats = ["often", "regularly", "sometimes", "not_at_all"]
        obs = [row for row in counts_table(t, cats)]
        keep = [j for j in range(4) if sum(row[j] for row in obs) > 0]
        obs = [[row[j] for j in keep] for row in obs]
        x2, p, df, _ = scipy_stats.chi2_contingency(obs, correction=False)
        (test,) = _tests_of(t)
        assert test["statistic"] == pytest.approx(x2, rel=1e-10)
        assert test["df"] == df
        assert test["p_value"] == pytest.approx(p, rel=1e-9)


def test_fisher_equals_scipy_on_a_2x2(survey: dd.Survey) -> None:
    by = {"attribute": "size_class", "groups": {"small": ["lt_20k"], "large": ["100k_plus"]}}
    t = survey.net_shares("strategy_use", "top2", by=by, rules=MEDIAN, test="fisher")
    for test in _tests_of(t):
        item = test["item"]
        table = []
        for g in ("small", "large"):
            r = t.find(item, g, "top2")
            assert r is not None
            table.append([int(r["count"]), int(r["base"] - r["count"])])
        if min(sum(col) for col in zip(*table)) == 0:
            assert test["p_value"] is None
            continue
        _, p = scipy_stats.fisher_exact(table)
        assert test["p_value"] == pytest.approx(p, rel=1e-9), item


def test_fisher_refuses_split_fractions(survey: dd.Survey) -> None:
    with pytest.raises(dd.InvalidArgumentError, match="permutation"):
        survey.net_shares("strategy_use", "top2", by="size_class", test="fisher")


def test_permutation_agrees_with_scipy_within_monte_carlo_error(survey: dd.Survey) -> None:
    # Pearson's X² against shuffled size classes over the municipalities; scipy draws its own
    # permutations, so the p-values agree within Monte Carlo error (9,999 draws: SD ≤ 0.005).
    t = survey.net_shares("strategy_use", "top2", by="size_class", rules=MEDIAN,
                          items=["reliable_partner", "seed_money"], test="permutation")
    cons = survey.consolidated(rules=MEDIAN).to_pandas()
    for test in _tests_of(t):
        codes = cons[f"strategy_use.{test['item']}"]
        ok = codes.isin([1, 2, 3, 4])
        top = codes[ok].isin([1, 2]).to_numpy()
        size = cons["size_class"][ok].astype("category").cat.codes.to_numpy()

        def x2(labels: Any) -> float:
            import numpy as np

            tab = np.array([[np.sum((labels == g) & top), np.sum((labels == g) & ~top)]
                            for g in np.unique(size)])
            return float(scipy_stats.chi2_contingency(tab, correction=False)[0])

        res = scipy_stats.permutation_test((size,), x2, permutation_type="pairings",
                                           n_resamples=9999, alternative="greater",
                                           random_state=1)
        assert test["statistic"] == pytest.approx(x2(size), rel=1e-10)
        assert abs(test["p_value"] - res.pvalue) < 0.03, (test, res.pvalue)


def test_holm_and_bh_equal_statsmodels(survey: dd.Survey) -> None:
    frame = dd.Frame.municipalities_2013()
    for adjust, method in (("holm", "holm"), ("bh", "fdr_bh")):
        t = survey.net_shares("strategy_use", "top2", by="size_class", frame=frame,
                              test="rao_scott", adjust=adjust)  # type: ignore[arg-type]
        p = [x["p_value"] for x in _tests_of(t)]
        assert all(v is not None for v in p) and len(p) == 15
        expected = multitest.multipletests(p, method=method)[1]
        for x, e in zip(_tests_of(t), expected):
            assert x["p_adjusted"] == pytest.approx(e, rel=1e-12)


def test_letters_mark_significant_pairs(survey: dd.Survey) -> None:
    t = survey.net_shares("strategy_use", "top2", by="size_class",
                          frame=dd.Frame.municipalities_2013(), test="rao_scott")
    assert t.inference is not None
    assert t.inference["letters"] == {"lt_20k": "A", "20k_50k": "B", "50k_100k": "C", "100k_plus": "D"}
    found = 0
    for r in t.rows:
        if r["group"] == "all":
            assert r["letters"] is None
            continue
        found += len(r["letters"] or "")
        for letter in r["letters"] or "":
            other = next(g for g, l in t.inference["letters"].items() if l == letter)
            o = t.find(r["item"], other, "top2")
            assert o is not None and r["estimate"] > o["estimate"]
    assert found > 0  # the 100,000+ class exceeds the smallest in some strategies


def test_small_bases_are_flagged_not_hidden(survey: dd.Survey) -> None:
    t = survey.net_shares("strategy_use", "top2", by="size_class", ci="logit")
    big = [r for r in t.rows if r["group"] == "100k_plus"]
    assert big and all(r["small_base"] and r["estimate"] is not None for r in big)
    assert not any(r["small_base"] for r in rows(t) if r["units"] >= 30 and r["n_eff"] >= 30)


def test_weet_niet_share_is_reported_beside_the_base(survey: dd.Survey) -> None:
    t = survey.frequencies("strategy_use", items=["seed_money"], ci="wilson")
    dk = t.find("seed_money", "all", "dont_know")
    often = t.find("seed_money", "all", "often")
    assert dk is not None and often is not None and not dk["in_base"]
    answered = often["base"] + dk["count"]
    assert dk["estimate"] == pytest.approx(dk["count"] / answered)
    lo, hi = dk["lower"], dk["upper"]
    assert lo is not None and hi is not None and lo < dk["estimate"] < hi


def test_design_is_declared_with_the_frame_note(survey: dd.Survey) -> None:
    t = survey.net_shares("strategy_use", "top2", frame=dd.Frame.municipalities_2013(),
                          design="stratified", ci="korn_graubard")
    assert t.inference is not None
    assert t.inference["kind"] == "stratified" and t.inference["ci"] == "korn_graubard"
    assert "239" in t.inference["design"] and t.inference["frame_note"]
    assert "estimate" in t.to_csv().splitlines()[0]


def test_mean_scores_by_hand(survey: dd.Survey) -> None:
    t = survey.mean_scores("strategy_use", items=["seed_money"], rules=MEDIAN)
    cons = survey.consolidated(rules=MEDIAN).to_pandas()
    codes = cons["strategy_use.seed_money"]
    codes = codes[codes.isin([1, 2, 3, 4])]
    (r,) = t.rows
    assert r["estimate"] == pytest.approx(codes.mean(), rel=1e-12)
    # SRS of all 98 with weights 1, no fpc, the base a domain of n_b: the linearised
    # se² = n/(n − 1) · Σ_domain (y − ȳ)² / n_b².
    n, nb = len(cons), len(codes)
    se = math.sqrt(n / (n - 1) * float(((codes - codes.mean()) ** 2).sum()) / nb**2)
    assert r["se"] == pytest.approx(se, rel=1e-12)
    assert t.inference is None  # no inference asked: the mean and its SE, no declaration


def test_consolidated_split_shares_reproduce_the_net(survey: dd.Survey) -> None:
    cons = survey.consolidated().to_pandas()
    y = cons["strategy_use.seed_money:often"] + cons["strategy_use.seed_money:regularly"]
    base = y.notna()
    t = survey.net_shares("strategy_use", "top2", items=["seed_money"])
    r = t.find("seed_money", "all", "top2")
    assert r is not None
    assert (float(y[base].sum()), int(base.sum())) == (r["count"], r["base"])
    shares = [c for c in cons.columns if c.startswith("strategy_use.seed_money:")]
    sums = cons.loc[base, shares].sum(axis=1)
    assert ((sums - 1).abs() < 1e-12).all()


def test_municipalities_table(survey: dd.Survey) -> None:
    m = survey.municipalities()
    assert len(m) == 98 and m.columns[:2] == ["municipality", "municipality_name"]
    assert sum(x for x in m.column("respondents") if isinstance(x, float)) == 126
    df = m.to_pandas()
    assert df["size_class"].value_counts().to_dict() == {
        "20k_50k": 43, "lt_20k": 33, "50k_100k": 12, "100k_plus": 10}


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"ci": "exact"}, dd.UnknownIdError),
        ({"test": "t_test"}, dd.UnknownIdError),
        ({"level": 1.5, "ci": "wald"}, dd.InvalidArgumentError),
        ({"design": "stratified"}, dd.InvalidArgumentError),
        ({"frame": "408"}, dd.InvalidArgumentError),
        ({"adjust": "bonferroni"}, dd.InvalidArgumentError),
    ],
)
def test_bad_inference_options_are_typed_errors(
    survey: dd.Survey, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        survey.net_shares("strategy_use", "top2", **kwargs)


def test_overlapping_groups_are_refused_for_tests(survey: dd.Survey) -> None:
    by = {"attribute": "size_class",
          "groups": {"lt_50k": ["lt_20k", "20k_50k"], "lt_100k": ["lt_20k", "20k_50k", "50k_100k"]}}
    with pytest.raises(dd.InvalidArgumentError, match="overlap"):
        survey.net_shares("strategy_use", "top2", by=by, test="rao_scott")


def test_weights_from_raking_feed_every_measure(survey: dd.Survey) -> None:
    frame = dd.Frame.municipalities_2013()
    w = survey.post_stratify(frame)
    a = survey.net_shares("strategy_use", "top2", weights=w, ci="logit")
    b = survey.net_shares("strategy_use", "top2", frame=frame, design="post_stratified", ci="logit")
    assert [r["estimate"] for r in a.rows] == [r["estimate"] for r in b.rows]
    assert [r["se"] for r in a.rows] == pytest.approx([r["se"] for r in b.rows], rel=1e-12)
    assert a.inference is not None and a.inference["frame_note"]  # the bundled frame's remark
    assert "239" in a.inference["design"]
    m = survey.mentions("support_provider", weights=w, ci="logit")
    for r in m.rows:
        lo, hi = r["lower"], r["upper"]
        assert lo is not None and hi is not None and 0 <= lo <= r["estimate"] <= hi <= 1


def test_tables_with_inference_round_trip_pickle(survey: dd.Survey) -> None:
    import pickle

    t = survey.net_shares("strategy_use", "top2", by="size_class",
                          frame=dd.Frame.municipalities_2013(), ci="logit", test="trend")
    assert pickle.loads(pickle.dumps(t)) == t


def test_a_test_needs_a_breakdown(survey: dd.Survey) -> None:
    with pytest.raises(dd.InvalidArgumentError, match="breakdown"):
        survey.net_shares("strategy_use", "top2", test="rao_scott")


def test_rows_name_the_interval_method_they_used(survey: dd.Survey) -> None:
    t = survey.frequencies("forms_occurrence", by="size_class", ci="logit")
    methods = {r["method"] for r in t.rows if r["se"] > 0}
    assert methods == {"logit"}
    # p = 0 or 1: the logit interval is undefined, Clopper–Pearson is given and said
    degenerate = [r for r in t.rows if r["se"] == 0 and r["units"] > 0]
    assert degenerate and all(r["method"] == "clopper_pearson" for r in degenerate)
    m = survey.mean_scores("strategy_use", ci="logit")
    assert {r["method"] for r in m.rows} == {"wald"}
    assert "method" in t.to_pandas().columns and ",method," in t.to_csv().splitlines()[0]

