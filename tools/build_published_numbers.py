#!/usr/bin/env python3
"""Build ``tests/data/published/published_numbers.json``.

Every number published in the 2013 report "De 'doe-democratie'. Naar een nieuwe verhouding
tussen overheid en samenleving" (Vught, 5 juni 2013), one JSON record per number, transcribed by
hand from the project's reference transcription (published.yaml / inconsistencies.md; those files
are NOT read at run time -- every value below is written out literally).

Python 3.9+ standard library only.  Deterministic: re-running rewrites the file byte-identically.

    python3 tools/build_published_numbers.py            # writes the JSON
    python3 tools/build_published_numbers.py --check    # exits 1 if the file on disk differs

Field reference: ``tests/data/published/README.md``.
Source lines ("L123") refer to the text extraction ``seed/doe-democratie-2013.txt`` of the report.
"""

import argparse
import json
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "tests", "data", "published", "published_numbers.json")

FORMAT = "doe_democratie.published_numbers/1"

RECORDS = []
_IDS = set()

MUNI = "municipality"
RESP = "respondent"
LR = "largest_remainder"
HU = "half_up"
NONE = "none"


def cls(level):
    return {"attribute": "size_class", "level": level}


def rec(id, figure, source_line, question, item, measure, category, unit, value,
        compare="eq", rounding=HU, breakdown=None, reading=None,
        status="reproduce", **extra):
    if id in _IDS:
        raise SystemExit("duplicate record id: " + id)
    _IDS.add(id)
    r = {
        "id": id,
        "figure": figure,
        "source_line": source_line,
        "question": question,
        "item": item,
        "measure": measure,
        "category": category,
        "unit": unit,
        "breakdown": breakdown,
        "value": value,
        "compare": compare,
    }
    for k in ("low", "high", "tolerance"):
        if k in extra:
            r[k] = extra.pop(k)
    r["rounding"] = rounding
    r["reading"] = reading
    r["status"] = status
    r.update(extra)
    RECORDS.append(r)


# ---------------------------------------------------------------------------------------------
# Study level (section 1.4)
# ---------------------------------------------------------------------------------------------
rec("s1_4_respondents", "s1.4", "L230–L232", None, None, "n_respondents", None, RESP, 126,
    rounding=NONE)
rec("s1_4_municipalities", "s1.4", "L230–L232", None, None, "n_municipalities", None, MUNI, 98,
    rounding=NONE)
rec("s1_4_response_rate", "s1.4", "L230–L244", None, None, "response_rate_pct", None, MUNI, 24,
    rounding=HU, population_total=408,
    reading="98 responding municipalities of all 408 Dutch municipalities in 2013 (municipality level).")

# ---------------------------------------------------------------------------------------------
# Figure 2.2 -- forms_occurrence (n=98, 'Weet niet' is a category of the row)
# ---------------------------------------------------------------------------------------------
YND = ["yes", "no", "dont_know"]
FIG22 = [
    ("new_networks_coalitions", [72, 19, 9], ["text", "derived", "fig"]),
    ("volunteering_preserve_facilities", [82, 15, 3], ["text", "derived", "fig"]),
    ("social_cohesion_participation", [94, 4, 2], ["fig", "derived", "fig"]),
    ("citizen_enforcement_safety", [49, 44, 7], ["fig", "derived", "fig"]),
    ("transfer_political_control_area_based", [21, 75, 4], ["text", "fig", "fig"]),
    ("social_entrepreneurship", [49, 39, 12], ["fig", "fig", "fig"]),
    ("self_management_public_space", [64, 31, 5], ["derived", "fig", "fig"]),
]
SRC_READING = {
    "text": "Figure label lost in the PDF extraction; value taken from the report text (published.yaml source 'text').",
    "derived": "Not printed anywhere in the extraction; 100 minus the other cells of the row (published.yaml source 'derived').",
    "zero": "No label in the extraction and the row sums to 100 without it: a suppressed 0% label (published.yaml source 'zero').",
}
for item, pct, src in FIG22:
    for cat, v, s in zip(YND, pct, src):
        reading = SRC_READING.get(s)
        if item == "citizen_enforcement_safety":
            reading = ("Reading A of the ambiguous row (49/44/7; Ja 49 printed, Nee derived): needed because §2 says "
                       "transfer of control and social entrepreneurship occur less than the other five forms "
                       "(inconsistencies.md D; published.yaml fig_2_2). Reading B (44/49/7) not taken.")
        if item == "social_entrepreneurship" and cat == "yes":
            reading = "Figure value 49 (row 49/39/12 fully printed); the §2 text's 47 is recorded separately as inconsistent (inconsistencies.md B1)."
        rec("fig2_2.%s.%s" % (item, cat), "2.2", "L751–L802", "forms_occurrence", item, "pct", cat,
            MUNI, v, rounding=LR, reading=reading)
    rec("fig2_2.%s.n" % item, "2.2", "L751–L802", "forms_occurrence", item, "n", None, MUNI, 98,
        rounding=NONE, reading="Base includes 'Weet niet' (inconsistencies.md A0).")

# ---------------------------------------------------------------------------------------------
# Figure 2.3 -- forms_most_typical (respondents, counts)
# ---------------------------------------------------------------------------------------------
FIG23 = [
    ("social_cohesion_participation", 82, 65),
    ("volunteering_preserve_facilities", 55, 44),
    ("self_management_public_space", 36, None),
    ("new_networks_coalitions", 34, None),
    ("citizen_enforcement_safety", 24, None),
    ("social_entrepreneurship", 11, 9),
    ("transfer_political_control_area_based", 7, 6),
]
rec("fig2_3.n", "2.3", "L806–L820", "forms_most_typical", None, "n", None, RESP, 126, rounding=NONE,
    reading="Base = all 126 respondents (printed n=126).")
for item, count, pct in FIG23:
    rec("fig2_3.%s.count" % item, "2.3", "L806–L820", "forms_most_typical", item, "mention_count",
        None, RESP, count, rounding=NONE)
for item, count, pct in FIG23:
    if pct is not None:
        rec("kf2.%s.pct" % item, "kf2", "L303–L321", "forms_most_typical", item, "mention_pct", None,
            RESP, pct, reading="% of all 126 respondents naming the form as most typical (inconsistencies.md A6, A8).")

# ---------------------------------------------------------------------------------------------
# Figure 3.1 -- attention_level (n=98)
# ---------------------------------------------------------------------------------------------
ATT = ["much", "considerable", "some", "none_or_hardly"]
FIG31 = [
    ("policy_professionals", [22, 53, 25, 0], ["fig", "fig", "fig", "zero"], 75),
    ("management", [23, 44, 30, 3], ["fig"] * 4, 67),
    ("executive_board", [30, 42, 27, 1], ["fig"] * 4, 72),
    ("municipal_council", [10, 35, 44, 11], ["fig"] * 4, 45),
]
for item, pct, src, top2 in FIG31:
    for cat, v, s in zip(ATT, pct, src):
        reading = SRC_READING.get(s)
        if item == "executive_board":
            reading = "Not producible by plain rounding of whole counts at n=98 (inconsistencies.md C1); largest remainder."
        rec("fig3_1.%s.%s" % (item, cat), "3.1", "L968–L1009", "attention_level", item, "pct", cat, MUNI,
            v, rounding=LR, reading=reading)
    rec("fig3_1.%s.n" % item, "3.1", "L968–L1009", "attention_level", item, "n", None, MUNI, 98,
        rounding=NONE)
    rec("fig3_1.%s.top2" % item, "3.1", "L968–L1009", "attention_level", item, "net", "top2", MUNI,
        top2, reading="Veel + behoorlijk; computed from the printed cells (published.yaml top2), equal to the half-up exact share.")
rec("kf3.policy_professionals.top2", "kf3", "L327–L339", "attention_level", "policy_professionals",
    "net", "top2", MUNI, 75)
rec("kf3.municipal_council.top2", "kf3", "L327–L339", "attention_level", "municipal_council",
    "net", "top2", MUNI, 45)
rec("s3_1.policy_professionals.top2", "s3.1", "L1044–L1058", "attention_level", "policy_professionals",
    "net", "top2", MUNI, 75)
rec("s3_1.municipal_council.top2", "s3.1", "L1044–L1058", "attention_level", "municipal_council",
    "net", "top2", MUNI, 45)
for item, _, _, _ in FIG31:
    rec("s3_1.attention_range.%s" % item, "s3.1", "L1044–L1058", "attention_level", item, "net", "top2",
        MUNI, 45, compare="range", low=45, high=75,
        reading="'varieert ... tussen 45% en 75%' (also kf3): every body's veel-of-behoorlijk share lies in [45, 75].")

# ---------------------------------------------------------------------------------------------
# Figure 3.2 -- attention_change (n=98)
# ---------------------------------------------------------------------------------------------
CHG = ["increased", "unchanged", "decreased"]
FIG32 = [
    ("policy_professionals", [83, 16, 1], ["fig", "fig", "fig"]),
    ("management", [80, 20, 0], ["fig", "fig", "zero"]),
    ("executive_board", [80, 20, 0], ["fig", "fig", "zero"]),
    ("municipal_council", [71, 29, 0], ["fig", "fig", "zero"]),
]
for item, pct, src in FIG32:
    for cat, v, s in zip(CHG, pct, src):
        rec("fig3_2.%s.%s" % (item, cat), "3.2", "L1013–L1040", "attention_change", item, "pct", cat, MUNI,
            v, rounding=LR, reading=SRC_READING.get(s))
    rec("fig3_2.%s.n" % item, "3.2", "L1013–L1040", "attention_change", item, "n", None, MUNI, 98,
        rounding=NONE)
A3_READING = ("Body not named in the report (inconsistencies.md A3); reading: policy professionals (beleidsprofessionals), "
              "the only body whose overall increase (83%) is a plausible weighted mean of 89/85/67/75.")
rec("kf4.increase_about_80", "kf4", "L340–L344", "attention_change", "policy_professionals", "pct", "increased",
    MUNI, 80, compare="approx", tolerance=5,
    reading="'zo'n 80%' (body not named); same body as the size-class figures (A3 reading: policy professionals). "
            "The §3.1 wording 'ruim 70%' is recorded separately (inconsistencies.md B5).")
rec("kf4.increase_lt_20k", "kf4", "L342–L344", "attention_change", "policy_professionals", "pct", "increased",
    MUNI, 89, breakdown=cls("lt_20k"), reading=A3_READING)
rec("s3_1.increase_ruim_70", "s3.1", "L1059–L1062", "attention_change", "municipal_council", "pct", "increased",
    MUNI, 70, compare="range", low=70, high=75,
    reading="'ruim 70% van de gemeenten' with 'het minst voor gemeenteraden': read as the lowest body (council), "
            "so that it holds for every body (inconsistencies.md B5).")
for level, v in [("lt_20k", 89), ("20k_50k", 85), ("50k_100k", 67), ("100k_plus", 75)]:
    rec("s3_1.increase_by_class.%s" % level, "s3.1", "L1063–L1069", "attention_change", "policy_professionals",
        "pct", "increased", MUNI, v, breakdown=cls(level), reading=A3_READING)

# ---------------------------------------------------------------------------------------------
# Figures 3.3-3.5 -- strategy_use (item n, 'weet niet' outside the base)
# ---------------------------------------------------------------------------------------------
FREQ = ["often", "regularly", "sometimes", "not_at_all"]
FIG33 = [
    ("seed_money", 82, [2, 10, 31, 57], 12),
    ("connecting_parties", 85, [19, 34, 34, 13], 53),
    ("alternative_financing", 83, [4, 26, 52, 18], 30),
    ("conflict_mediation", 83, [30, 31, 28, 11], 61),
    ("initiative_desk", 84, [11, 11, 38, 40], 22),
    ("civil_service_support", 86, [19, 37, 38, 6], 56),
]
FIG34 = [
    ("social_procurement", 85, [5, 9, 38, 48], 14),
    ("volunteer_policy", 87, [26, 43, 21, 10], 69),
    ("eigen_kracht_conferences", 83, [3, 24, 37, 36], 27),
    ("transfer_control", 86, [4, 17, 48, 31], 21),
]
FIG35 = [
    ("align_with_initiatives", 83, [9, 45, 40, 6], 54),
    ("seek_win_win", 86, [22, 44, 29, 5], 66),
    ("reliable_partner", 87, [41, 32, 22, 5], 73),
    ("mapping_initiatives", 83, [13, 36, 36, 15], 49),
    ("flexible_rules", 81, [10, 36, 47, 7], 46),
]
C1_ROWS = {"seed_money", "alternative_financing", "eigen_kracht_conferences", "transfer_control", "mapping_initiatives"}
for fig, lines, rows in (("3.3", "L1158–L1233", FIG33), ("3.4", "L1291–L1346", FIG34), ("3.5", "L1382–L1449", FIG35)):
    for item, n, pct, top2 in rows:
        for cat, v in zip(FREQ, pct):
            reading = None
            if item in C1_ROWS:
                reading = "Row not producible by plain rounding at the printed n (inconsistencies.md C1); largest remainder."
            if item == "align_with_initiatives":
                reading = ("Row 9/45/40/6 is not producible with whole counts at n=83 (inconsistencies.md C2); reproduced with "
                           "half counts from a two-respondent municipality that disagrees (split consolidation).")
                if cat == "often":
                    reading = "Derived label (54 - 45; published.yaml). " + reading
            rec("fig%s.%s.%s" % (fig.replace(".", "_"), item, cat), fig, lines, "strategy_use", item, "pct", cat,
                MUNI, v, rounding=LR, reading=reading)
        rec("fig%s.%s.n" % (fig.replace(".", "_"), item), fig, lines, "strategy_use", item, "n", None, MUNI, n,
            rounding=NONE, reading="Item n printed in the figure label; 'weet niet' and non-response outside the base (inconsistencies.md A1).")
        rec("fig%s.%s.top2" % (fig.replace(".", "_"), item), fig, lines, "strategy_use", item, "net", "top2",
            MUNI, top2, reading="Vaak + met enige regelmaat = sum of the printed cells, equal to the half-up exact share.")

# KF5: the seven strategies used often or regularly by a majority
for item, v in [("reliable_partner", 73), ("volunteer_policy", 69), ("seek_win_win", 66), ("conflict_mediation", 61),
                ("civil_service_support", 56), ("align_with_initiatives", 54), ("connecting_parties", 53)]:
    rec("kf5.%s.top2" % item, "kf5", "L399–L429", "strategy_use", item, "net", "top2", MUNI, v,
        reading="% of the item n, not of 98 (inconsistencies.md A1).")
rec("kf5.n_strategies", "kf5", "L350", "strategy_use", None, "n_items", None, RESP, 15, rounding=NONE)
rec("s3_2.n_strategies", "s3.2", "L1081", "strategy_use", None, "n_items", None, RESP, 15, rounding=NONE)

# KF6: stated 'vaak of regelmatig', but the numbers are 'vaak' only (B2)
rec("kf6.seed_money", "kf6", "L436–L440", "strategy_use", "seed_money", "net", "top2", MUNI, 2,
    reading="KF6 calls 2% 'vaak of regelmatig'; 2 is 'vaak' only, vaak+regelmatig is 12 (inconsistencies.md B2).",
    status="text_claim_inconsistent", data_value=12)
rec("kf6.alternative_financing", "kf6", "L436–L440", "strategy_use", "alternative_financing", "net", "top2", MUNI, 4,
    reading="KF6 calls 4% 'vaak of regelmatig'; 4 is 'vaak' only, vaak+regelmatig is 30 (inconsistencies.md B2).",
    status="text_claim_inconsistent", data_value=30)

# §3.2 text numbers
for item, v, lines in [("conflict_mediation", 61, "L1125–L1131"), ("civil_service_support", 56, "L1125–L1131"),
                       ("connecting_parties", 53, "L1125–L1131"), ("volunteer_policy", 69, "L1265–L1269"),
                       ("eigen_kracht_conferences", 27, "L1273–L1275"), ("reliable_partner", 73, "L1360–L1362"),
                       ("seek_win_win", 66, "L1362–L1364"), ("flexible_rules", 46, "L1364–L1367"),
                       ("mapping_initiatives", 49, "L1367–L1369"), ("align_with_initiatives", 54, "L1370–L1372")]:
    rec("s3_2.%s.top2" % item, "s3.2", lines, "strategy_use", item, "net", "top2", MUNI, v)
rec("s3_2.social_procurement.top2", "s3.2", "L1271–L1272", "strategy_use", "social_procurement", "net", "top2", MUNI, 14,
    reading="Text says 'regelmatig'; the number is vaak + regelmatig (5 + 9) (inconsistencies.md B4).")
rec("s3_2.initiative_desk.top3", "s3.2", "L1131–L1146", "strategy_use", "initiative_desk", "net", "top3", MUNI, 60,
    reading="'soms, met enige regelmaat of vaak' = top-3 (11 + 11 + 38).")
rec("s3_2.alternative_financing.often", "s3.2", "L1150–L1154", "strategy_use", "alternative_financing", "pct", "often",
    MUNI, 4, reading="'gangbaar' = Vaak, dit is een gangbare praktijk.")
rec("s3_2.seed_money.often", "s3.2", "L1150–L1154", "strategy_use", "seed_money", "pct", "often",
    MUNI, 2, reading="'gangbaar' = Vaak, dit is een gangbare praktijk.")
rec("s3_2.transfer_control.top2", "s3.2", "L1275–L1283", "strategy_use", "transfer_control", "net", "top2", MUNI, 23,
    reading="Text 23% vs figure 4 + 17 = 21; the figure is taken (inconsistencies.md B3).",
    status="text_claim_inconsistent", data_value=21)

# §3.2 size-class breakdowns of strategies
rec("s3_2.initiative_desk.top2.100k_plus", "s3.2", "L1241–L1245", "strategy_use", "initiative_desk", "net", "top2",
    MUNI, 57, breakdown=cls("100k_plus"))
for level in ("lt_20k", "20k_50k", "50k_100k"):
    rec("s3_2.initiative_desk.top2.%s" % level, "s3.2", "L1241–L1245", "strategy_use", "initiative_desk", "net", "top2",
        MUNI, 15, compare="range", low=15, high=27, breakdown=cls(level),
        reading="'15 tot 27% van de gemeenten met minder dan 100.000 inwoners': each of the three smaller classes lies in [15, 27] "
                "(the reconstruction puts the extremes exactly at 15 and 27).")
rec("s3_2.connecting_parties.top2.100k_plus", "s3.2", "L1247–L1251", "strategy_use", "connecting_parties", "net", "top2",
    MUNI, 89, breakdown=cls("100k_plus"))
rec("s3_2.connecting_parties.top2.lt_20k", "s3.2", "L1247–L1251", "strategy_use", "connecting_parties", "net", "top2",
    MUNI, 42, breakdown=cls("lt_20k"))
for level in ("20k_50k", "50k_100k"):
    rec("s3_2.connecting_parties.top2.%s" % level, "s3.2", "L1247–L1251", "strategy_use", "connecting_parties", "net",
        "top2", MUNI, 43, compare="range", low=43, high=88, breakdown=cls(level),
        reading="'zitten hier tussenin': strictly between 42 and 89 (rounded values 43..88).")
rec("s3_2.seed_money.top2.100k_plus", "s3.2", "L1253–L1255", "strategy_use", "seed_money", "net", "top2", MUNI, 33,
    breakdown=cls("100k_plus"),
    reading="'komt ... voor' read as vaak of regelmatig (top-2): any-use would make 100k+ lower than the overall, "
            "contradicting 'significant vaker'.")
rec("s3_2.seed_money.top2_count.lt_20k", "s3.2", "L1253–L1255", "strategy_use", "seed_money", "net_count", "top2", MUNI, 1,
    rounding=NONE, breakdown=cls("lt_20k"),
    reading="'in slechts één gemeente met minder dan 20.000 inwoners': a count of municipalities (exactly 1), top-2 reading.")
rec("s3_2.transfer_control.top2.gt_50k", "s3.2", "L1283–L1287", "strategy_use", "transfer_control", "net", "top2", MUNI,
    30, compare="range", low=31, high=39, breakdown=cls("gt_50k"),
    reading="'ruim 30%': a little over 30 (rounded 31..39). gt_50k = 50k_100k + 100k_plus.")
rec("s3_2.transfer_control.top2.lt_50k", "s3.2", "L1283–L1287", "strategy_use", "transfer_control", "net", "top2", MUNI,
    18, breakdown=cls("lt_50k"), reading="lt_50k = lt_20k + 20k_50k. Weighted with gt_50k this gives the figure's 21 (B3).")

# ---------------------------------------------------------------------------------------------
# Figure 3.6 -- strategy_most_successful (respondents; top 3 and bottom 3 only)
# ---------------------------------------------------------------------------------------------
FIG36_KNOWN = [("civil_service_support", 61, 48), ("reliable_partner", 40, 32), ("seek_win_win", 37, 29),
               ("social_procurement", 2, None), ("seed_money", 3, None), ("alternative_financing", 6, None)]
for item, count, pct in FIG36_KNOWN:
    rec("fig3_6.%s.count" % item, "3.6", "L1463–L1490", "strategy_most_successful", item, "mention_count", None, RESP,
        count, rounding=NONE)
for item in ("conflict_mediation", "initiative_desk", "connecting_parties", "transfer_control", "eigen_kracht_conferences",
             "volunteer_policy", "flexible_rules", "mapping_initiatives", "align_with_initiatives"):
    rec("fig3_6.%s.rank_between" % item, "3.6", "L1463–L1490", "strategy_most_successful", item, "mention_count", None,
        RESP, 7, compare="range", low=7, high=36, rounding=NONE,
        reading="Count not published; the figure shows the top 3 (61/40/37) and bottom 3 (2/3/6) of 15, so every other "
                "strategy lies strictly between (7..36).")
for item, count, pct in FIG36_KNOWN:
    if pct is not None:
        rec("kf7.%s.pct" % item, "kf7", "L444–L466", "strategy_most_successful", item, "mention_pct", None, RESP, pct,
            reading="% of all 126 respondents (inconsistencies.md A8).")

# ---------------------------------------------------------------------------------------------
# Citizens' support needs (kf8 / §3.2)
# ---------------------------------------------------------------------------------------------
rec("kf8.no_insight", "kf8", "L470–L472", "citizen_support_need_insight", None, "pct", "no", RESP, 50,
    compare="approx", tolerance=5,
    reading="'Circa de helft van de gemeenten ... geen goed inzicht'; read on the respondent base like §3.2 "
            "(inconsistencies.md A5); code 2 = nee (no good insight / no systematic view).")
rec("s3_2.no_systematic_view", "s3.2", "L1514–L1519", "citizen_support_need_insight", None, "pct", "no", RESP, 50,
    compare="approx", tolerance=5, reading="'zo'n 50% van de respondenten ... geen systematisch beeld' (A5).")

# ---------------------------------------------------------------------------------------------
# Figures 3.7 / 3.8 -- challenges (item n, 'weet niet' outside the base)
# ---------------------------------------------------------------------------------------------
FIG37_N = [("insufficient_time_capacity_money", 76), ("obstructive_higher_government", 63),
           ("politics_unwilling_to_let_go", 75), ("civil_servants_unwilling_to_let_go", 76),
           ("insufficient_competences_facilitating_role", 75), ("bad_experiences_so_far", 65)]
FIG38_N = [("limited_citizen_participation", 78), ("excessive_regulation", 73), ("liability_risk", 67),
           ("insufficient_professionalism_continuity", 71), ("representativeness_support", 64),
           ("lacking_collaboration_infrastructure", 72), ("equal_treatment_precedent", 72)]
for item, n in FIG37_N:
    rec("fig3_7.%s.n" % item, "3.7", "L1578–L1607", "challenges", item, "n", None, MUNI, n, rounding=NONE)
rec("fig3_7.lack_of_insight_civic_energy.n", "3.7", "L1578–L1607", "challenges", "lack_of_insight_civic_energy", "n",
    None, MUNI, 63, compare="range", low=63, high=78, rounding=NONE,
    reading="Item n lost in the extraction (label cut off); bounded by §3.3 'tussen de 63 en 78 gemeenten'.")
for item, n in FIG38_N:
    rec("fig3_8.%s.n" % item, "3.8", "L1651–L1705", "challenges", item, "n", None, MUNI, n, rounding=NONE)

rec("s3_3.n_challenges", "s3.3", "L1560", "challenges", None, "n_items", None, RESP, 14, rounding=NONE)
rec("s3_3.n_min", "s3.3", "L1566–L1574", "challenges", None, "n_min", None, MUNI, 63, rounding=NONE,
    reading="'steeds tussen de 63 en 78 gemeenten': smallest item n.")
rec("s3_3.n_max", "s3.3", "L1566–L1574", "challenges", None, "n_max", None, MUNI, 78, rounding=NONE,
    reading="'steeds tussen de 63 en 78 gemeenten': largest item n.")
rec("s3_3.dont_know_quarter", "s3.3", "L1569–L1571", "challenges", None, "mean_not_in_base_pct", None, MUNI, 25,
    compare="range", low=20, high=36,
    reading="'grofweg een kwart ... heeft weet niet ingevuld': mean over the 14 items of (98 - item n)/98; "
            "the printed n's imply 20..36 (published.yaml s33_dont_know_share).")

for item, v, fig, lines in [
        ("insufficient_time_capacity_money", 71, "kf9", "L486–L496"),
        ("politics_unwilling_to_let_go", 56, "kf9", "L486–L496"),
        ("civil_servants_unwilling_to_let_go", 49, "kf9", "L486–L496"),
        ("excessive_regulation", 55, "kf10", "L500–L510"),
        ("insufficient_professionalism_continuity", 45, "kf10", "L500–L510"),
        ("representativeness_support", 39, "kf10", "L500–L510"),
        ("insufficient_time_capacity_money", 71, "s3.3", "L1611–L1613"),
        ("obstructive_higher_government", 56, "s3.3", "L1623–L1625"),
        ("politics_unwilling_to_let_go", 56, "s3.3", "L1627–L1629"),
        ("civil_servants_unwilling_to_let_go", 49, "s3.3", "L1629"),
        ("bad_experiences_so_far", 15, "s3.3", "L1639–L1642"),
        ("lack_of_insight_civic_energy", 36, "s3.3", "L1643–L1647"),
        ("limited_citizen_participation", 64, "s3.3", "L1655–L1657"),
        ("excessive_regulation", 55, "s3.3", "L1695"),
        ("insufficient_professionalism_continuity", 45, "s3.3", "L1695–L1697"),
        ("representativeness_support", 39, "s3.3", "L1697–L1699")]:
    reading = "% of the item n (inconsistencies.md A1); figure labels lost, text value."
    if item in ("obstructive_higher_government", "politics_unwilling_to_let_go"):
        reading += " Two different challenges both at 56% (B8): both reproduced."
    rec("%s.%s.top2" % (fig.replace(".", "_"), item), fig, lines, "challenges", item, "net", "top2", MUNI, v,
        reading=reading)
rec("s3_3.insufficient_time_capacity_money.often", "s3.3", "L1611–L1613", "challenges",
    "insufficient_time_capacity_money", "pct", "often", MUNI, 28,
    reading="Single number in text (half-up); the reconstruction also gives 28 under largest remainder.")
rec("s3_3.insufficient_time_capacity_money.regularly", "s3.3", "L1611–L1613", "challenges",
    "insufficient_time_capacity_money", "pct", "regularly", MUNI, 43,
    reading="Single number in text (half-up); the reconstruction also gives 43 under largest remainder.")
rec("s3_3.time_capacity.top2.50k_100k", "s3.3", "L1613–L1619", "challenges", "insufficient_time_capacity_money", "net",
    "top2", MUNI, 40, breakdown=cls("50k_100k"))
for level in ("lt_20k", "20k_50k", "100k_plus"):
    rec("s3_3.time_capacity.top2.%s" % level, "s3.3", "L1613–L1619", "challenges", "insufficient_time_capacity_money",
        "net", "top2", MUNI, 72, compare="ge", breakdown=cls(level),
        reading="'72% of hoger in andere gemeenten': every other class >= 72.")
rec("s3_3.civil_servants.top2.100k_plus", "s3.3", "L1629–L1635", "challenges", "civil_servants_unwilling_to_let_go",
    "net", "top2", MUNI, 88, breakdown=cls("100k_plus"))
for level in ("lt_20k", "20k_50k", "50k_100k"):
    rec("s3_3.civil_servants.top2.%s" % level, "s3.3", "L1629–L1635", "challenges", "civil_servants_unwilling_to_let_go",
        "net", "top2", MUNI, 53, compare="le", breakdown=cls(level),
        reading="'Bij gemeenten met minder [dan] 100.000 inwoners is dit percentage 53% of lager': every smaller class <= 53.")
rec("s3_3.citizen_participation.gap.100k_plus", "s3.3", "L1657–L1659", "challenges", "limited_citizen_participation",
    "net_gap", "top2", MUNI, 1, compare="ge", rounding=NONE, breakdown=cls("100k_plus"),
    reading="Direction only: '100.000+ gemeenten zien een beperkte participatiebereidheid als een groter knelpunt dan "
            "kleinere gemeenten' -- exact top-2 share of 100k_plus minus that of all smaller municipalities, at least 1 point.")
for level, v in [("100k_plus", 67), ("20k_50k", 45), ("lt_20k", 16)]:
    rec("s3_3.representativeness.top2.%s" % level, "s3.3", "L1699–L1705", "challenges", "representativeness_support",
        "net", "top2", MUNI, v, breakdown=cls(level))

# ---------------------------------------------------------------------------------------------
# Figure 3.9 -- challenge_sectors (counts; unit read as respondents, A7)
# ---------------------------------------------------------------------------------------------
A7 = "Unit not stated (inconsistencies.md A7); read as respondents like the other ranked lists."
for item, count in [("liveability_social_cohesion", 72), ("public_space_physical_liveability", 67),
                    ("labour_participation_social_welfare", 64), ("youth_upbringing", 42), ("care_public_health", 31)]:
    rec("fig3_9.%s.count" % item, "3.9", "L1719–L1731", "challenge_sectors", item, "mention_count", None, RESP, count,
        rounding=NONE, reading=A7)
rec("fig3_9.other.below_rank5", "3.9", "L1719–L1731", "challenge_sectors", "other", "mention_count", None, RESP, 30,
    compare="le", rounding=NONE,
    reading="Only the top five are published; 'other' lumps all unpublished sectors and must stay below rank 5 (31).")

# ---------------------------------------------------------------------------------------------
# Figure 4.1 -- support_need (respondents, n=126)
# ---------------------------------------------------------------------------------------------
NEEDS = ["attention_politics", "attention_civil_service", "expertise_competence_tools", "sharing_good_practices",
         "success_failure_factors", "instruments_guidelines", "clear_terminology", "national_support_programme",
         "pilot_projects"]
for item in NEEDS:
    rec("fig4_1.%s.n" % item, "4.1", "L1751–L1812", "support_need", item, "n", None, RESP, 126, rounding=NONE)
STRONG = [("success_failure_factors", 42, "L1802–L1804", "L521–L567"),
          ("instruments_guidelines", 37, "L1804–L1805", "L521–L567"),
          ("sharing_good_practices", 36, "L1806–L1808", "L521–L567"),
          ("national_support_programme", 26, "L1808–L1810", None),
          ("pilot_projects", 21, "L1810–L1812", None)]
for item, v, l4, lkf in STRONG:
    reading = None
    if item == "sharing_good_practices":
        reading = "Text says '36% van de gemeenten' but Fig 4.1 is on respondents; read as 45/126 respondents (inconsistencies.md A4)."
    rec("s4.%s.strong" % item, "s4", l4, "support_need", item, "pct", "strong", RESP, v, reading=reading)
    if lkf:
        rec("kf12.%s.strong" % item, "kf12", lkf, "support_need", item, "pct", "strong", RESP, v, reading=reading)
TWO_THIRDS = ("'Ongeveer ⅔ van de respondenten ziet enige of sterke ondersteuningsbehoefte op (alle) negen onderwerpen' "
              "(inconsistencies.md B7). Both readings are made to hold: per topic (this record) and on all nine at once "
              "(record s4.two_thirds.all_nine). Tolerance 5 points.")
for item in NEEDS:
    rec("s4.two_thirds.%s" % item, "s4", "L1792–L1794", "support_need", item, "net", "top2", RESP, 67,
        compare="approx", tolerance=5, reading=TWO_THIRDS)
rec("s4.two_thirds.all_nine", "s4", "L1792–L1794", "support_need", None, "all_items_net_pct", "top2", RESP, 67,
    compare="approx", tolerance=5, reading=TWO_THIRDS)
rec("kf12.n_topics", "kf12", "L521–L525", "support_need", None, "n_items", None, RESP, 9, rounding=NONE)

# ---------------------------------------------------------------------------------------------
# Figure 4.2 -- support_provider (respondents, counts)
# ---------------------------------------------------------------------------------------------
FIG42 = [("vng", 71, 56), ("direct_colleagues", 61, 48), ("other_municipalities", 51, 40),
         ("professional_networks", 37, None), ("ministry_bzk", 32, None), ("online_communities", 31, None),
         ("knowledge_institutes_consultancies", 19, None)]
for item, count, pct in FIG42:
    rec("fig4_2.%s.count" % item, "4.2", "L1839–L1853", "support_provider", item, "mention_count", None, RESP, count,
        rounding=NONE)
for item, count, pct in FIG42:
    if pct is not None:
        rec("kf13.%s.pct" % item, "kf13", "L571–L575", "support_provider", item, "mention_pct", None, RESP, pct,
            reading="% of all 126 respondents (inconsistencies.md A8).")
COLLEAGUES = ("'grotere' vs 'kleine' gemeenten are not defined; reading: kleine = lt_20k, grotere = 20k_plus (all "
              "municipalities of 20.000+). This dichotomy is the only one whose weighted mean equals the overall 61/126 "
              "(48%) with a plausible respondent mix (40 / 86 respondents).")
rec("s4.direct_colleagues.20k_plus", "s4", "L1857–L1859", "support_provider", "direct_colleagues", "mention_pct", None,
    RESP, 63, breakdown=cls("20k_plus"), reading=COLLEAGUES)
rec("s4.direct_colleagues.lt_20k", "s4", "L1857–L1859", "support_provider", "direct_colleagues", "mention_pct", None,
    RESP, 18, breakdown=cls("lt_20k"), reading=COLLEAGUES)
rec("s4.online_communities.gap.20k_plus", "s4", "L1859–L1863", "support_provider", "online_communities", "mention_gap",
    None, RESP, 1, compare="ge", rounding=NONE, breakdown=cls("20k_plus"),
    reading="Direction only ('grote' > 'kleine' gemeenten); same class reading as direct colleagues: mention share of "
            "20k_plus minus that of lt_20k, at least 1 point.")

# ---------------------------------------------------------------------------------------------
# §2 text: occurrence of forms, size classes, examples
# ---------------------------------------------------------------------------------------------
for fig, lines, item, v in [
        ("kf1", "L259–L271", "social_cohesion_participation", 94),
        ("kf1", "L259–L271", "volunteering_preserve_facilities", 82),
        ("kf1", "L259–L271", "new_networks_coalitions", 72),
        ("s2", "L836–L838", "social_cohesion_participation", 94),
        ("s2", "L838–L840", "volunteering_preserve_facilities", 82),
        ("s2", "L840–L843", "new_networks_coalitions", 72),
        ("s2", "L846–L848", "transfer_political_control_area_based", 21)]:
    rec("%s.%s.yes" % (fig, item), fig, lines, "forms_occurrence", item, "pct", "yes", MUNI, v,
        reading="Single number in text, half-up of Ja/98 (equals the figure cell)." if fig == "s2" else
        "Occurrence in municipalities (Fig 2.2 base 98) although kf1 says 'door veel respondenten ... herkend' (A6).")
rec("s2.social_entrepreneurship.yes", "s2", "L848–L850", "forms_occurrence", "social_entrepreneurship", "pct", "yes",
    MUNI, 47, reading="§2 text says 47%; the fully printed figure row is 49/39/12 and 47+39+12 = 98 (inconsistencies.md B1).",
    status="text_claim_inconsistent", data_value=49)
A2 = ("Class shares on valid Ja+Nee answers ('Weet niet' excluded): on the figure's base (n incl. Weet niet) the overall "
      "49% could not lie below every class value (inconsistencies.md A2).")
for fig, lines in (("kf2", "L317–L321"), ("s2", "L854–L860")):
    for level, v in [("100k_plus", 90), ("50k_100k", 70), ("lt_50k", 50)]:
        rec("%s.social_entrepreneurship.valid_yes.%s" % (fig, level), fig, lines, "forms_occurrence",
            "social_entrepreneurship", "pct_valid", "yes", MUNI, v, breakdown=cls(level), reading=A2)
for level, v in [("lt_20k", 45), ("20k_50k", 76), ("50k_100k", 82), ("100k_plus", 90)]:
    rec("s2.self_management_public_space.valid_yes.%s" % level, "s2", "L860–L865", "forms_occurrence",
        "self_management_public_space", "pct_valid", "yes", MUNI, v, breakdown=cls(level), reading=A2)
rec("s2.examples_municipalities", "s2", "L871", "examples", None, "n_nonempty_municipalities", None, MUNI, 22,
    rounding=NONE, reading="'22 gemeenten hebben één of meerdere voorbeelden ... aangeleverd'.")


def payload():
    return {
        "format": FORMAT,
        "source": "De 'doe-democratie'. Naar een nieuwe verhouding tussen overheid en samenleving (Vught, 5 juni 2013)",
        "source_lines_refer_to": "seed/doe-democratie-2013.txt (text extraction of the report PDF)",
        "documentation": "tests/data/published/README.md",
        "n_records": len(RECORDS),
        "records": RECORDS,
    }


def render():
    return json.dumps(payload(), ensure_ascii=False, indent=1) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if the file on disk differs")
    ap.add_argument("--out", default=OUT)
    a = ap.parse_args(argv)
    text = render()
    if a.check:
        try:
            with open(a.out, encoding="utf-8") as f:
                same = f.read() == text
        except OSError:
            same = False
        print("published_numbers.json up to date" if same else "published_numbers.json differs")
        return 0 if same else 1
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print("wrote %s (%d records)" % (os.path.relpath(a.out, REPO), len(RECORDS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
