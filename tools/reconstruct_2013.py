#!/usr/bin/env python3
"""Seeded generator of a SYNTHETIC respondent-level reconstruction of the 2013 'doe-democratie' survey.

The original microdata of the 2013 municipal survey (126 respondents in 98 municipalities; report
"De 'doe-democratie'. Naar een nieuwe verhouding tussen overheid en samenleving", Vught,
5 juni 2013) are not public.  This script writes

    data/doe_democratie_2013_reconstructed.csv

a synthetic data set that is NOT the original data: no respondent, municipality, code or name in it
is real (municipalities are "Reconstructie 001" ... with fake codes R001..R098).  It is built so that
aggregating it with the library's rules reproduces every number the report publishes (the records of
tests/data/published/published_numbers.json with status "reproduce").

How it works (details and every reading taken: data/README.md)
  1. DESIGN tables below fix, per municipality-level item, how many municipalities (per size class
     where the report gives class figures, else overall) give each answer, including a few
     deliberate half counts (a two-respondent municipality whose respondents disagree; the library's
     'split' consolidation then gives each answer weight 1/2).  The tables were solved by hand /
     offline search against the published rows (largest-remainder rounding for stacked figure rows,
     half-up for text numbers) and are checked again at the end of every run.
  2. A seeded RNG (random.Random, only .random() is used, so results do not depend on the Python
     version's shuffle/sample implementation) builds the municipality frame (class, respondents per
     municipality, inhabitants, province), places the designed answers on municipalities (answers
     correlate with a latent 'engagement' score, 'weet niet' with a latent 'knowledge' score),
     expands them to respondents (incl. harmless disagreements: a second respondent answering
     'weet niet' or leaving the item blank), and draws the respondent-level items with exact counts.
  3. VERIFICATION: an independent implementation of the aggregation rules re-reads the CSV and
     compares it with every 'reproduce' record of published_numbers.json; it prints
     "published numbers reproduced: N/N" and exits 1 on any failure.  It also prints the text claims
     recorded as inconsistent, with the value the data gives.

Python 3.9+ standard library only.  Deterministic: the same seed gives a byte-identical CSV.

    python3 tools/reconstruct_2013.py                 # generate + verify
    python3 tools/reconstruct_2013.py --verify-only   # only verify the CSV on disk
"""

import argparse
import csv
import io
import json
import os
import random
import sys
from fractions import Fraction

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CSV_PATH = os.path.join(REPO, "data", "doe_democratie_2013_reconstructed.csv")
JSON_PATH = os.path.join(REPO, "tests", "data", "published", "published_numbers.json")
SEED = 20130605

# =============================================================================================
# Instrument (ids and order exactly as in the project's instrument transcription)
# =============================================================================================
FORMS = ["self_management_public_space", "social_entrepreneurship", "transfer_political_control_area_based",
         "citizen_enforcement_safety", "social_cohesion_participation", "volunteering_preserve_facilities",
         "new_networks_coalitions"]
BODIES = ["municipal_council", "executive_board", "management", "policy_professionals"]
STRATEGIES = ["civil_service_support", "initiative_desk", "conflict_mediation", "seed_money", "alternative_financing",
              "connecting_parties", "transfer_control", "eigen_kracht_conferences", "volunteer_policy",
              "social_procurement", "flexible_rules", "mapping_initiatives", "reliable_partner", "seek_win_win",
              "align_with_initiatives"]
CHALLENGES = ["insufficient_time_capacity_money", "obstructive_higher_government", "politics_unwilling_to_let_go",
              "civil_servants_unwilling_to_let_go", "insufficient_competences_facilitating_role",
              "bad_experiences_so_far", "lack_of_insight_civic_energy", "limited_citizen_participation",
              "excessive_regulation", "liability_risk", "insufficient_professionalism_continuity",
              "representativeness_support", "lacking_collaboration_infrastructure", "equal_treatment_precedent"]
SECTORS = ["liveability_social_cohesion", "public_space_physical_liveability", "labour_participation_social_welfare",
           "youth_upbringing", "care_public_health", "other"]
NEEDS = ["attention_politics", "attention_civil_service", "expertise_competence_tools", "sharing_good_practices",
         "success_failure_factors", "instruments_guidelines", "clear_terminology", "national_support_programme",
         "pilot_projects"]
PROVIDERS = ["vng", "direct_colleagues", "other_municipalities", "professional_networks", "ministry_bzk",
             "online_communities", "knowledge_institutes_consultancies"]

ATTR_COLUMNS = ["respondent_id", "municipality", "municipality_name", "role", "inhabitants", "size_class", "province"]


def item_columns():
    cols = []
    cols += ["forms_occurrence." + i for i in FORMS]
    cols += ["forms_most_typical." + i for i in FORMS]
    cols += ["examples"]
    cols += ["attention_level." + i for i in BODIES]
    cols += ["attention_change." + i for i in BODIES]
    cols += ["strategy_use." + i for i in STRATEGIES]
    cols += ["strategy_most_successful." + i for i in STRATEGIES]
    cols += ["citizen_support_need_insight"]
    cols += ["challenges." + i for i in CHALLENGES]
    cols += ["challenge_sectors." + i for i in SECTORS]
    cols += ["support_need." + i for i in NEEDS]
    cols += ["support_how"]
    cols += ["support_provider." + i for i in PROVIDERS]
    return cols


COLUMNS = ATTR_COLUMNS + item_columns()

CLASSES = ["lt_20k", "20k_50k", "50k_100k", "100k_plus"]
CLASS_BOUNDS = {"lt_20k": (0, 20000), "20k_50k": (20000, 50000), "50k_100k": (50000, 100000),
                "100k_plus": (100000, None)}
MERGED = {"lt_50k": ["lt_20k", "20k_50k"], "gt_50k": ["50k_100k", "100k_plus"],
          "lt_100k": ["lt_20k", "20k_50k", "50k_100k"], "20k_100k": ["20k_50k", "50k_100k"],
          "20k_plus": ["20k_50k", "50k_100k", "100k_plus"]}

# =============================================================================================
# Sample frame (see data/README.md "Class sizes")
#   municipalities per class: 33 / 43 / 12 / 10   (population 2013: 150 / 170 / 50 / 38 of 408)
#   respondents per class:    40 / 53 / 16 / 17   (= 126)
# RESPONDENTS_PER_MUNICIPALITY[class] = {respondents: number of municipalities}
# =============================================================================================
RESPONDENTS_PER_MUNICIPALITY = {
    "lt_20k": {1: 27, 2: 5, 3: 1},
    "20k_50k": {1: 36, 2: 5, 3: 1, 4: 1},
    "50k_100k": {1: 9, 2: 2, 3: 1},
    "100k_plus": {1: 5, 2: 3, 3: 2},
}

PROVINCE_WEIGHTS = [("groningen", 23), ("fryslan", 24), ("drenthe", 12), ("overijssel", 25), ("flevoland", 6),
                    ("gelderland", 56), ("utrecht", 26), ("noord_holland", 51), ("zuid_holland", 60),
                    ("zeeland", 13), ("noord_brabant", 67), ("limburg", 33)]
# Provinces of the 27 municipalities with 100.000+ inhabitants in 2013 (approximate list); the synthetic
# 100k_plus municipalities draw their province from it without replacement
PROVINCES_100K = (["groningen", "drenthe", "flevoland"] + ["overijssel"] * 2 + ["gelderland"] * 4 + ["utrecht"] * 2
                  + ["noord_holland"] * 4 + ["zuid_holland"] * 7 + ["noord_brabant"] * 4 + ["limburg"])
ROLE_WEIGHTS = [("policy_officer_social", 30), ("project_lead_participation", 18), ("team_lead_society", 14),
                ("municipal_secretary", 12), ("district_manager", 8), ("communication_adviser", 8), ("other", 10)]

# =============================================================================================
# DESIGN of the municipality-level items.
#   Keys of an outcome table: a code -> number of municipalities whose respondents all give that code
#   (9 = 'weet niet': in the base for forms_occurrence, outside it elsewhere);
#   a pair (a, b) -> number of municipalities whose respondents disagree a / b (weight 1/2 each).
#   "all" = placed over all 98 municipalities; otherwise per size class.
# Resulting counts (published row in brackets), e.g. strategy_use.align_with_initiatives:
#   7.5 / 37.5 / 33 / 5 of n=83  ->  9.04 / 45.18 / 39.76 / 6.02 %  -> largest remainder [9/45/40/6].
# =============================================================================================
def by_class(a, b, c, d):
    return {"lt_20k": a, "20k_50k": b, "50k_100k": c, "100k_plus": d}


DESIGN = {
    # ---- Fig 2.2 (n=98, Ja/Nee/Weet niet); class shares on Ja+Nee (reading A2)
    "forms_occurrence": {
        # 63 / 30 / 5 -> [64/31/5];  class Ja/(Ja+Nee): 14/31=45, 31/41=76, 9/11=82, 9/10=90
        "self_management_public_space": by_class({1: 14, 2: 17, 9: 2}, {1: 31, 2: 10, 9: 2}, {1: 9, 2: 2, 9: 1},
                                                 {1: 9, 2: 1}),
        # 48 / 38 / 12 -> [49/39/12];  lt_50k 35.5/71=50, 50k_100k 3.5/5=70, 100k+ 9/10=90
        "social_entrepreneurship": by_class({1: 14, 2: 16, 9: 2, (1, 2): 1}, {1: 21, 2: 19, 9: 3},
                                            {1: 3, 2: 1, 9: 7, (1, 2): 1}, {1: 9, 2: 1}),
        # 21 / 73 / 4 -> [21/75/4]
        "transfer_political_control_area_based": by_class({1: 5, 2: 27, 9: 1}, {1: 8, 2: 34, 9: 1},
                                                          {1: 4, 2: 7, 9: 1}, {1: 4, 2: 5, 9: 1}),
        # 48 / 43 / 7 -> [49/44/7] (reading A)
        "citizen_enforcement_safety": by_class({1: 12, 2: 19, 9: 2}, {1: 21, 2: 20, 9: 2}, {1: 7, 2: 3, 9: 2},
                                               {1: 8, 2: 1, 9: 1}),
        # 92 / 4 / 2 -> [94/4/2]
        "social_cohesion_participation": by_class({1: 31, 2: 1, 9: 1}, {1: 40, 2: 2, 9: 1}, {1: 11, 2: 1}, {1: 10}),
        # 80 / 15 / 3 -> [82/15/3]
        "volunteering_preserve_facilities": by_class({1: 27, 2: 5, 9: 1}, {1: 35, 2: 7, 9: 1}, {1: 10, 2: 2},
                                                     {1: 8, 2: 1, 9: 1}),
        # 70.5 / 18.5 / 9 -> [72/19/9] and half-up 71.9 -> 72
        "new_networks_coalitions": by_class({1: 21, 2: 8, 9: 3, (1, 2): 1}, {1: 31, 2: 8, 9: 4}, {1: 9, 2: 2, 9: 1},
                                            {1: 9, 9: 1}),
    },
    # ---- Fig 3.1 (n=98)
    "attention_level": {
        "municipal_council": {"all": {1: 10, 2: 34, 3: 43, 4: 11}},          # [10/35/44/11], top2 44 -> 45
        "executive_board": {"all": {1: 29, 2: 41, 3: 26, 4: 1, (2, 3): 1}},  # 29/41.5/26.5/1 -> [30/42/27/1], top2 72
        "management": {"all": {1: 23, 2: 43, 3: 29, 4: 3}},                 # [23/44/30/3], top2 67
        "policy_professionals": {"all": {1: 22, 2: 51, 3: 24, (2, 3): 1}},   # 22/51.5/24.5/0 -> [22/53/25/0], top2 75
    },
    # ---- Fig 3.2 (n=98); class figures on policy professionals (reading A3)
    "attention_change": {
        "municipal_council": {"all": {1: 70, 2: 28}},                        # [71/29/0]
        "executive_board": {"all": {1: 78, 2: 20}},                          # [80/20/0]
        "management": {"all": {1: 78, 2: 20}},                               # [80/20/0]
        # 81.5 / 15.5 / 1 -> [83/16/1]; classes 29.5/33=89, 36.5/43=85, 8/12=67, 7.5/10=75
        "policy_professionals": by_class({1: 29, 2: 3, (1, 2): 1}, {1: 36, 2: 6, (1, 2): 1}, {1: 8, 2: 3, 3: 1},
                                         {1: 7, 2: 2, (1, 2): 1}),
    },
    # ---- Figs 3.3-3.5 (item n; 9 = weet niet outside the base)
    "strategy_use": {
        "civil_service_support": {"all": {1: 16, 2: 32, 3: 33, 4: 5, 9: 12}},
        # 9 / 9.5 / 31.5 / 34 of 84; top2 by class 4/27=15, 7.5/39=19, 3/11=27, 4/7=57; top3 50/84 = 60
        "initiative_desk": by_class({1: 1, 2: 3, 3: 10, 4: 13, 9: 6}, {1: 4, 2: 3, 3: 14, 4: 17, 9: 4, (2, 3): 1},
                                    {1: 2, 2: 1, 3: 4, 4: 4, 9: 1}, {1: 2, 2: 2, 3: 3, 9: 3}),
        "conflict_mediation": {"all": {1: 25, 2: 26, 3: 23, 4: 9, 9: 15}},
        # 2 / 8 / 25 / 47 of 82; top2 lt_20k exactly 1 municipality, 100k+ 3/9 = 33
        "seed_money": by_class({2: 1, 3: 7, 4: 19, 9: 6}, {1: 1, 2: 3, 3: 10, 4: 21, 9: 8}, {2: 2, 3: 4, 4: 5, 9: 1},
                               {1: 1, 2: 2, 3: 4, 4: 2, 9: 1}),
        "alternative_financing": {"all": {1: 3, 2: 22, 3: 43, 4: 15, 9: 15}},
        # 16 / 29 / 29 / 11 of 85; top2 13/31=42, 18/35=51, 6/10=60, 8/9=89
        "connecting_parties": by_class({1: 4, 2: 9, 3: 12, 4: 6, 9: 2}, {1: 6, 2: 12, 3: 13, 4: 4, 9: 8},
                                       {1: 2, 2: 4, 3: 3, 4: 1, 9: 2}, {1: 4, 2: 4, 3: 1, 9: 1}),
        # 3 / 15 / 41 / 27 of 86; top2 lt_50k 12/67=18, gt_50k 6/19=32 ('ruim 30')
        "transfer_control": by_class({1: 1, 2: 4, 3: 13, 4: 10, 9: 5}, {1: 1, 2: 6, 3: 18, 4: 14, 9: 4},
                                     {2: 3, 3: 5, 4: 2, 9: 2}, {1: 1, 2: 2, 3: 5, 4: 1, 9: 1}),
        "eigen_kracht_conferences": {"all": {1: 2, 2: 20, 3: 31, 4: 30, 9: 15}},
        "volunteer_policy": {"all": {1: 23, 2: 37, 3: 18, 4: 9, 9: 11}},
        "social_procurement": {"all": {1: 4, 2: 8, 3: 32, 4: 41, 9: 13}},
        "flexible_rules": {"all": {1: 8, 2: 29, 3: 38, 4: 6, 9: 17}},
        "mapping_initiatives": {"all": {1: 11, 2: 30, 3: 30, 4: 12, 9: 15}},
        "reliable_partner": {"all": {1: 36, 2: 27, 3: 19, 4: 4, 9: 11, (2, 3): 1}},   # 36/27.5/19.5/4 of 87
        "seek_win_win": {"all": {1: 19, 2: 38, 3: 25, 4: 4, 9: 12}},
        "align_with_initiatives": {"all": {1: 7, 2: 37, 3: 33, 4: 5, 9: 15, (1, 2): 1}},  # 7.5/37.5/33/5 of 83 (C2)
    },
    # ---- Figs 3.7-3.8 (item n; 9 = weet niet outside the base); only top-2 values are published
    "challenges": {
        # 21 / 33 / 16 / 6 of 76 -> often 28, regularly 43, top2 71; classes 18/24=75, 25/34=74, 4/10=40, 7/8=88
        "insufficient_time_capacity_money": by_class({1: 7, 2: 11, 3: 5, 4: 1, 9: 9}, {1: 9, 2: 16, 3: 7, 4: 2, 9: 9},
                                                     {1: 1, 2: 3, 3: 3, 4: 3, 9: 2}, {1: 4, 2: 3, 3: 1, 9: 2}),
        "obstructive_higher_government": {"all": {1: 12, 2: 23, 3: 19, 4: 9, 9: 35}},       # 35/63 = 56
        "politics_unwilling_to_let_go": {"all": {1: 14, 2: 28, 3: 24, 4: 9, 9: 23}},        # 42/75 = 56
        # 37/76 = 49; classes 10/25=40, 15/33=45, 5/10=50, 7/8=88
        "civil_servants_unwilling_to_let_go": by_class({1: 2, 2: 8, 3: 11, 4: 4, 9: 8},
                                                       {1: 4, 2: 11, 3: 14, 4: 4, 9: 10},
                                                       {1: 1, 2: 4, 3: 4, 4: 1, 9: 2}, {1: 3, 2: 4, 3: 1, 9: 2}),
        "insufficient_competences_facilitating_role": {"all": {1: 8, 2: 23, 3: 31, 4: 13, 9: 23}},  # free: 31/75 = 41
        "bad_experiences_so_far": {"all": {1: 2, 2: 8, 3: 33, 4: 22, 9: 33}},               # 10/65 = 15
        "lack_of_insight_civic_energy": {"all": {1: 6, 2: 19, 3: 31, 4: 14, 9: 28}},        # 25/70 = 36 (n lost)
        # 50/78 = 64; 100k+ 8/9 = 89 vs 42/69 = 61 in smaller municipalities
        "limited_citizen_participation": by_class({1: 5, 2: 12, 3: 8, 4: 2, 9: 6}, {1: 6, 2: 15, 3: 11, 4: 1, 9: 10},
                                                  {1: 1, 2: 3, 3: 4, 4: 1, 9: 3}, {1: 4, 2: 4, 3: 1, 9: 1}),
        "excessive_regulation": {"all": {1: 13, 2: 27, 3: 26, 4: 7, 9: 25}},                # 40/73 = 55
        "liability_risk": {"all": {1: 9, 2: 23, 3: 25, 4: 9, 9: 31, (2, 3): 1}},            # free: 32.5/67 = 49
        "insufficient_professionalism_continuity": {"all": {1: 9, 2: 23, 3: 30, 4: 9, 9: 27}},  # 32/71 = 45
        # 25/64 = 39; classes 3.5/22=16, 13/29=45, 4.5/7=64 (free), 4/6=67
        "representativeness_support": by_class({1: 1, 2: 2, 3: 12, 4: 6, 9: 11, (2, 3): 1},
                                               {1: 3, 2: 10, 3: 12, 4: 4, 9: 14},
                                               {1: 1, 2: 3, 3: 2, 9: 5, (2, 3): 1}, {1: 2, 2: 2, 3: 2, 9: 4}),
        "lacking_collaboration_infrastructure": {"all": {1: 5, 2: 21, 3: 30, 4: 15, 9: 26, (3, 4): 1}},  # free: 26/72 = 36
        "equal_treatment_precedent": {"all": {1: 6, 2: 18, 3: 33, 4: 15, 9: 26}},           # free: 24/72 = 33
    },
}

# Code that takes a respondent's answer OUT of the base without changing the municipality's value
# (used for harmless within-municipality disagreements).  forms_occurrence counts 9 in its base, so
# there the harmless deviation is an empty cell.
NOT_IN_BASE = {"forms_occurrence": "", "attention_level": "9", "attention_change": "9", "strategy_use": "9",
               "challenges": "9"}

# ---- respondent-level items (exact counts) -------------------------------------------------
MOST_TYPICAL_COUNTS = {"social_cohesion_participation": 82, "volunteering_preserve_facilities": 55,
                       "self_management_public_space": 36, "new_networks_coalitions": 34,
                       "citizen_enforcement_safety": 24, "social_entrepreneurship": 11,
                       "transfer_political_control_area_based": 7}            # Fig 2.3 (249 mentions)
MOST_TYPICAL_CAPACITY = {2: 123, 1: 3}                                        # 'choose two' (C5)
MOST_SUCCESSFUL_COUNTS = {"civil_service_support": 61, "reliable_partner": 40, "seek_win_win": 37,  # Fig 3.6 top 3
                          "social_procurement": 2, "seed_money": 3, "alternative_financing": 6,      # Fig 3.6 bottom 3
                          # unpublished, strictly between 6 and 37:
                          "connecting_parties": 33, "volunteer_policy": 30, "align_with_initiatives": 26,
                          "conflict_mediation": 21, "mapping_initiatives": 18, "initiative_desk": 15,
                          "flexible_rules": 12, "transfer_control": 9, "eigen_kracht_conferences": 8}
MOST_SUCCESSFUL_CAPACITY = {3: 69, 2: 57}                                     # 'welke drie' (321 mentions)
SECTOR_COUNTS = {"liveability_social_cohesion": 72, "public_space_physical_liveability": 67,
                 "labour_participation_social_welfare": 64, "youth_upbringing": 42, "care_public_health": 31,
                 "other": 18}                                                 # Fig 3.9 top five + 'other' < 31
SECTOR_CAPACITY = {1: 8, 2: 76, 3: 34, 4: 8}
PROVIDER_COUNTS = {"vng": 71, "direct_colleagues": 61, "other_municipalities": 51, "professional_networks": 37,
                   "ministry_bzk": 32, "online_communities": 31, "knowledge_institutes_consultancies": 19}  # Fig 4.2
PROVIDER_CAPACITY = {1: 18, 2: 54, 3: 40, 4: 14}
# class quotas (lt_20k, 20k_plus): direct colleagues 7/40 = 18% vs 54/86 = 63%; online 5/40 vs 26/86
PROVIDER_CLASS_QUOTA = {"direct_colleagues": {"lt_20k": 7, "20k_plus": 54},
                        "online_communities": {"lt_20k": 5, "20k_plus": 26}}
# support_need: strong counts (42/37/36/26/21 % published; the other four unpublished, between 26 and 36 %)
NEED_STRONG = {"attention_politics": 38, "attention_civil_service": 36, "expertise_competence_tools": 41,
               "sharing_good_practices": 45, "success_failure_factors": 53, "instruments_guidelines": 47,
               "clear_terminology": 35, "national_support_programme": 33, "pilot_projects": 27}
# strong + some ('enige of sterke'): 82 respondents (65%) on all nine topics + a few others per topic
NEED_ALL_NINE = 82
NEED_TOP2 = {"attention_politics": 86, "attention_civil_service": 86, "expertise_competence_tools": 87,
             "sharing_good_practices": 88, "success_failure_factors": 90, "instruments_guidelines": 89,
             "clear_terminology": 84, "national_support_programme": 85, "pilot_projects": 84}
INSIGHT_COUNTS = {"1": 48, "2": 63, "9": 15}      # kf8 / §3.2: 'circa de helft' has no systematic view (2 = nee)
N_EXAMPLE_MUNICIPALITIES = 22

EXAMPLE_TEXTS = [
    "Gereconstrueerd voorbeeld: bewoners beheren samen het buurtgroen.",
    "Gereconstrueerd voorbeeld: vrijwilligers houden het dorpshuis open.",
    "Gereconstrueerd voorbeeld: een buurtcoöperatie wekt zelf energie op.",
    "Gereconstrueerd voorbeeld: een wijkplatform besteedt een eigen budget.",
    "Gereconstrueerd voorbeeld: een netwerk van partijen helpt initiatiefnemers op weg.",
    "Gereconstrueerd voorbeeld: bewoners organiseren een buurtpreventieteam.",
    "Gereconstrueerd voorbeeld: een inloophuis wordt door vrijwilligers gerund.",
    "Gereconstrueerd voorbeeld: ondernemers en bewoners knappen samen een plein op.",
]
SUPPORT_HOW_TEXTS = [
    "Laagdrempelig en snel, met praktische handreikingen (synthetische tekst).",
    "Kennis slim delen, niet steeds opnieuw het wiel uitvinden (synthetische tekst).",
    "Korte praktijkvoorbeelden van andere gemeenten (synthetische tekst).",
    "Een vaste vraagbaak voor ambtenaren (synthetische tekst).",
]


# =============================================================================================
# Deterministic random helpers (only Random.random() is used)
# =============================================================================================
class Rng:
    def __init__(self, seed):
        self._r = random.Random(seed)

    def u(self):
        return self._r.random()

    def below(self, n):
        return min(int(self.u() * n), n - 1)

    def shuffle(self, xs):
        for i in range(len(xs) - 1, 0, -1):
            j = self.below(i + 1)
            xs[i], xs[j] = xs[j], xs[i]
        return xs

    def weighted(self, pairs):
        total = sum(w for _, w in pairs)
        x = self.u() * total
        for v, w in pairs:
            x -= w
            if x < 0:
                return v
        return pairs[-1][0]

    def latent(self):
        return self.u() + self.u() + self.u() - 1.5


# =============================================================================================
# Generation
# =============================================================================================
def build_frame(rng):
    munis = []
    for cls in CLASSES:
        for nresp, k in sorted(RESPONDENTS_PER_MUNICIPALITY[cls].items()):
            for _ in range(k):
                munis.append({"class": cls, "nresp": nresp})
    rng.shuffle(munis)
    pool_100k = rng.shuffle(list(PROVINCES_100K))
    size_effect = {"lt_20k": -0.2, "20k_50k": 0.0, "50k_100k": 0.1, "100k_plus": 0.3}
    for i, m in enumerate(munis):
        m["code"] = "R%03d" % (i + 1)
        m["name"] = "Reconstructie %03d" % (i + 1)
        lo, hi = CLASS_BOUNDS[m["class"]]
        if m["class"] == "lt_20k":
            m["inhabitants"] = 2500 + int(rng.u() ** 0.7 * 17400)
        elif hi is not None:
            m["inhabitants"] = lo + int(rng.u() * (hi - lo - 1))
        else:
            m["inhabitants"] = 100000 + int(rng.u() ** 3 * 250000)
        m["province"] = pool_100k.pop() if m["class"] == "100k_plus" else rng.weighted(PROVINCE_WEIGHTS)
        m["engage"] = rng.latent() + size_effect[m["class"]]
        m["strain"] = rng.latent()
        m["knowledge"] = rng.latent() + 0.25 * (m["nresp"] - 1) + size_effect[m["class"]]
    return munis


def expand_outcomes(table):
    """outcome table -> list of outcomes: ('w', code) or ('s', a, b); code 9 = weet niet."""
    out = []
    for key in sorted(table, key=lambda k: (isinstance(k, tuple), k)):
        n = table[key]
        for _ in range(n):
            out.append(("s",) + tuple(key) if isinstance(key, tuple) else ("w", key))
    return out


def place(rng, question, group, outcomes, score):
    """Assign outcomes to the municipalities of a group; returns {code: outcome}."""
    if len(outcomes) != len(group):
        raise SystemExit("design error: %d outcomes for %d municipalities (%s)" % (len(outcomes), len(group), question))
    result = {}
    free = list(group)
    splits = [o for o in outcomes if o[0] == "s"]
    multi = [m for m in free if m["nresp"] >= 2]
    rng.shuffle(multi)
    if len(splits) > len(multi):
        raise SystemExit("design error: not enough multi-respondent municipalities for splits in " + question)
    for o, m in zip(splits, multi):
        result[m["code"]] = o
        free.remove(m)
    dks = [o for o in outcomes if o == ("w", 9)]
    free.sort(key=lambda m: m["knowledge"] + 0.8 * rng.latent())
    for o, m in zip(dks, free[:len(dks)]):
        result[m["code"]] = o
    free = free[len(dks):]
    rest = sorted([o for o in outcomes if o[0] == "w" and o[1] != 9], key=lambda o: o[1])
    free.sort(key=lambda m: -(m[score] + 1.0 * rng.latent()))
    for o, m in zip(rest, free):
        result[m["code"]] = o
    return result


def respondent_answers(rng, question, outcome, nresp):
    """Expand a municipality outcome into the answers (strings) of its respondents."""
    dev = NOT_IN_BASE[question]
    if outcome[0] == "w":
        code = str(outcome[1])
        answers = [code] * nresp
        if code == "9":
            if nresp >= 2 and question != "forms_occurrence" and rng.u() < 0.1:
                answers[1 + rng.below(nresp - 1)] = ""          # still nothing in the base
        elif nresp >= 2 and rng.u() < 0.04:
            answers[1 + rng.below(nresp - 1)] = dev if rng.u() < 0.7 or question == "forms_occurrence" else ""
        return answers
    a, b = str(outcome[1]), str(outcome[2])
    if nresp == 2:
        answers = [a, b]
    elif nresp == 3:
        answers = [a, b, dev]
    else:
        answers = [a, a, b, b]
    return rng.shuffle(answers)


def greedy_multiselect(rng, respondents, counts, capacity_spec, pref, quota=None, group_of=None):
    """Exact-count multi-select with per-respondent maxima (Gale-Ryser greedy)."""
    caps = []
    for k, n in sorted(capacity_spec.items()):
        caps += [k] * n
    rng.shuffle(caps)
    if len(caps) != len(respondents):
        raise SystemExit("capacity spec does not cover all respondents")
    cap = {r["respondent_id"]: c for r, c in zip(respondents, caps)}
    chosen = {item: set() for item in counts}
    for item in sorted(counts, key=lambda i: (-counts[i], i)):
        jitter = {r["respondent_id"]: rng.u() for r in respondents}

        def key(r):
            return (-cap[r["respondent_id"]], -pref(r, item), jitter[r["respondent_id"]])

        if quota and item in quota:
            picked = []
            for grp, k in sorted(quota[item].items()):
                cands = sorted([r for r in respondents if group_of(r) == grp and cap[r["respondent_id"]] > 0], key=key)
                picked += cands[:k]
                if len(cands) < k:
                    raise SystemExit("multi-select quota infeasible for " + item)
        else:
            cands = sorted([r for r in respondents if cap[r["respondent_id"]] > 0], key=key)
            if len(cands) < counts[item]:
                raise SystemExit("multi-select infeasible for " + item)
            picked = cands[:counts[item]]
        for r in picked:
            chosen[item].add(r["respondent_id"])
            cap[r["respondent_id"]] -= 1
    improve(rng, respondents, chosen, pref)
    return chosen


def improve(rng, respondents, chosen, pref):
    """Local search: swap selections between two respondents (item counts and per-respondent totals stay
    the same) while that raises the total preference, e.g. nobody names a strategy 'most successful'
    that their municipality does not use when someone else could take it."""
    items = sorted(chosen)
    ids = [r["respondent_id"] for r in respondents]
    by_id = {r["respondent_id"]: r for r in respondents}
    improved = True
    while improved:
        improved = False
        for i in items:
            for a in ids:
                if a not in chosen[i] or pref(by_id[a], i) > 0:
                    continue
                ra = by_id[a]
                for b in rng.shuffle(list(ids)):
                    rb = by_id[b]
                    if b in chosen[i] or pref(rb, i) <= 0:
                        continue
                    swap = [j for j in items if b in chosen[j] and a not in chosen[j]
                            and pref(ra, j) - pref(rb, j) > -pref(rb, i)]
                    if not swap:
                        continue
                    j = swap[0]
                    chosen[i].discard(a)
                    chosen[i].add(b)
                    chosen[j].discard(b)
                    chosen[j].add(a)
                    improved = True
                    break


def generate(seed):
    rng = Rng(seed)
    munis = build_frame(rng)
    by_code = {m["code"]: m for m in munis}

    # respondents
    respondents = []
    rid = 0
    for m in munis:
        has_secretary = False
        m["respondents"] = []
        for j in range(m["nresp"]):
            rid += 1
            role = rng.weighted(ROLE_WEIGHTS)
            while role == "municipal_secretary" and has_secretary:
                role = rng.weighted(ROLE_WEIGHTS)
            has_secretary = has_secretary or role == "municipal_secretary"
            r = {c: "" for c in COLUMNS}
            r.update({"respondent_id": rid, "municipality": m["code"], "municipality_name": m["name"], "role": role,
                      "inhabitants": m["inhabitants"], "size_class": m["class"], "province": m["province"]})
            r["_need"] = rng.latent() + 0.3 * m["engage"]
            respondents.append(r)
            m["respondents"].append(r)

    # municipality-level items
    for question, items in DESIGN.items():
        score = "strain" if question == "challenges" else "engage"
        for item, spec in items.items():
            col = question + "." + item
            placed = {}
            for grp, table in spec.items():
                group = munis if grp == "all" else [m for m in munis if m["class"] == grp]
                placed.update(place(rng, col, group, expand_outcomes(table), score))
            for m in munis:
                answers = respondent_answers(rng, question, placed[m["code"]], m["nresp"])
                for r, a in zip(m["respondents"], answers):
                    r[col] = a

    # the library's tests need a municipality where ALL respondents answered 'weet niet' on an item
    if not any(m["nresp"] >= 2 and all(r[c] == "9" for r in m["respondents"])
               for m in munis for c in COLUMNS if c.startswith(("strategy_use.", "challenges."))):
        raise SystemExit("no multi-respondent municipality with only 'weet niet' on some item; change the seed")

    # forms_most_typical: exactly the Fig 2.3 counts, at most two per respondent
    chosen = greedy_multiselect(rng, respondents, MOST_TYPICAL_COUNTS, MOST_TYPICAL_CAPACITY,
                                lambda r, i: 1 if r["forms_occurrence." + i] == "1" else 0)
    for r in respondents:
        for i in FORMS:
            r["forms_most_typical." + i] = "1" if r["respondent_id"] in chosen[i] else "0"

    # strategy_most_successful: Fig 3.6, at most three per respondent
    chosen = greedy_multiselect(rng, respondents, MOST_SUCCESSFUL_COUNTS, MOST_SUCCESSFUL_CAPACITY,
                                lambda r, i: {"1": 2, "2": 1.5, "3": 0.5}.get(r["strategy_use." + i], 0))
    for r in respondents:
        for i in STRATEGIES:
            r["strategy_most_successful." + i] = "1" if r["respondent_id"] in chosen[i] else "0"

    # challenge_sectors: Fig 3.9
    chosen = greedy_multiselect(rng, respondents, SECTOR_COUNTS, SECTOR_CAPACITY, lambda r, i: 0)
    for r in respondents:
        for i in SECTORS:
            r["challenge_sectors." + i] = "1" if r["respondent_id"] in chosen[i] else "0"

    # support_provider: Fig 4.2 with the class split for direct colleagues / online communities
    chosen = greedy_multiselect(rng, respondents, PROVIDER_COUNTS, PROVIDER_CAPACITY, lambda r, i: 0,
                                quota=PROVIDER_CLASS_QUOTA,
                                group_of=lambda r: "lt_20k" if r["size_class"] == "lt_20k" else "20k_plus")
    for r in respondents:
        for i in PROVIDERS:
            r["support_provider." + i] = "1" if r["respondent_id"] in chosen[i] else "0"

    # support_need: 82 respondents with 'enige of sterke' on all nine topics, the others 'geen' on most
    order = sorted(respondents, key=lambda r: -(r["_need"] + 0.5 * rng.latent()))
    core = order[:NEED_ALL_NINE]
    others = order[NEED_ALL_NINE:]
    extra_used = {r["respondent_id"]: 0 for r in others}
    for i in NEEDS:
        k = NEED_TOP2[i] - NEED_ALL_NINE
        cands = sorted([r for r in others if extra_used[r["respondent_id"]] < len(NEEDS) - 1],
                       key=lambda r: (extra_used[r["respondent_id"]] > 2, -(r["_need"] + rng.latent())))
        top = core + cands[:k]
        for r in cands[:k]:
            extra_used[r["respondent_id"]] += 1
        strong_ids = {r["respondent_id"] for r in sorted(top, key=lambda r: -(r["_need"] + 1.2 * rng.latent()))
                      [:NEED_STRONG[i]]}
        top_ids = {r["respondent_id"] for r in top}
        for r in respondents:
            rid_ = r["respondent_id"]
            r["support_need." + i] = "1" if rid_ in strong_ids else ("2" if rid_ in top_ids else "3")

    # citizen_support_need_insight
    codes = []
    for c, n in sorted(INSIGHT_COUNTS.items()):
        codes += [c] * n
    rng.shuffle(codes)
    for r, c in zip(respondents, codes):
        r["citizen_support_need_insight"] = c

    # examples: 22 municipalities, one respondent each
    ex_munis = rng.shuffle(list(munis))[:N_EXAMPLE_MUNICIPALITIES]
    for m in ex_munis:
        r = m["respondents"][rng.below(m["nresp"])]
        r["examples"] = EXAMPLE_TEXTS[rng.below(len(EXAMPLE_TEXTS))]
    # support_how: a few short synthetic texts
    for r in rng.shuffle(list(respondents))[:12]:
        r["support_how"] = SUPPORT_HOW_TEXTS[rng.below(len(SUPPORT_HOW_TEXTS))]

    respondents.sort(key=lambda r: r["respondent_id"])
    return respondents


def write_csv(respondents, path):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in respondents:
        w.writerow([r[c] for c in COLUMNS])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


# =============================================================================================
# Verification: independent implementation of the library's aggregation rules
# =============================================================================================
QUESTION_UNIT = {"forms_occurrence": "municipality", "attention_level": "municipality",
                 "attention_change": "municipality", "strategy_use": "municipality", "challenges": "municipality"}
IN_BASE = {"forms_occurrence": {"1", "2", "9"}, "attention_level": {"1", "2", "3", "4"},
           "attention_change": {"1", "2", "3"}, "strategy_use": {"1", "2", "3", "4"},
           "challenges": {"1", "2", "3", "4"}, "support_need": {"1", "2", "3"},
           "citizen_support_need_insight": {"1", "2", "9"}}
CATEGORY_CODE = {
    "forms_occurrence": {"yes": "1", "no": "2", "dont_know": "9"},
    "attention_level": {"much": "1", "considerable": "2", "some": "3", "none_or_hardly": "4"},
    "attention_change": {"increased": "1", "unchanged": "2", "decreased": "3"},
    "strategy_use": {"often": "1", "regularly": "2", "sometimes": "3", "not_at_all": "4"},
    "challenges": {"often": "1", "regularly": "2", "sometimes": "3", "not_at_all": "4"},
    "support_need": {"strong": "1", "some": "2", "none": "3"},
    "citizen_support_need_insight": {"yes": "1", "no": "2", "dont_know": "9"},
}
NET = {"top2": {"1", "2"}, "top3": {"1", "2", "3"}}
VALID_CODES = {"forms_occurrence": {"1", "2", "9"}, "forms_most_typical": {"0", "1"},
               "attention_level": {"1", "2", "3", "4", "9"}, "attention_change": {"1", "2", "3", "9"},
               "strategy_use": {"1", "2", "3", "4", "9"}, "strategy_most_successful": {"0", "1"},
               "citizen_support_need_insight": {"1", "2", "9"}, "challenges": {"1", "2", "3", "4", "9"},
               "challenge_sectors": {"0", "1"}, "support_need": {"1", "2", "3"}, "support_provider": {"0", "1"}}


def half_up(x):
    return int((x + Fraction(1, 2)).__floor__())


def largest_remainder(shares):
    floors = [int(s.__floor__()) for s in shares]
    left = 100 - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


class Data:
    def __init__(self, path):
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            self.header = reader.fieldnames
            self.rows = list(reader)
        self.munis = {}
        for r in self.rows:
            self.munis.setdefault(r["municipality"], []).append(r)

    def in_level(self, cls, breakdown):
        if breakdown is None:
            return True
        level = breakdown["level"]
        return cls in MERGED.get(level, [level])

    def muni_counts(self, question, item, breakdown=None, complement=False):
        """split consolidation: in-base answers of a municipality share weight 1."""
        col = question + "." + item
        counts = {}
        n = 0
        for code, rows in self.munis.items():
            inside = self.in_level(rows[0]["size_class"], breakdown)
            if inside == complement:
                continue
            ans = [r[col] for r in rows if r[col] in IN_BASE[question]]
            if not ans:
                continue
            n += 1
            for a in ans:
                counts[a] = counts.get(a, 0) + Fraction(1, len(ans))
        return counts, n

    def resp_counts(self, col, question, breakdown=None, complement=False):
        counts = {}
        n = 0
        for r in self.rows:
            if self.in_level(r["size_class"], breakdown) == complement:
                continue
            a = r[col]
            if question in IN_BASE and a not in IN_BASE[question]:
                continue
            if a == "":
                continue
            n += 1
            counts[a] = counts.get(a, 0) + 1
        return counts, n


def measure(data, rec):
    """Evaluate one record on the data: (exact value as Fraction, rounded value or None)."""
    q, item, m, cat, unit = rec["question"], rec["item"], rec["measure"], rec["category"], rec["unit"]
    bd = rec["breakdown"]
    rnd = rec["rounding"]

    def exact_share(counts, n, codes):
        exact = Fraction(sum(counts.get(c, 0) for c in codes) * 100, n) if n else Fraction(0)
        return exact

    def get_counts(complement=False):
        if unit == "municipality":
            return data.muni_counts(q, item, bd, complement)
        col = q if item is None else q + "." + item
        return data.resp_counts(col, q, bd, complement)

    if m in ("pct", "net", "pct_valid"):
        counts, n = get_counts()
        if m == "pct":
            codes = [CATEGORY_CODE[q][cat]]
        elif m == "net":
            codes = sorted(NET[cat])
        else:
            codes = ["1"]
            n = counts.get("1", 0) + counts.get("2", 0)
        exact = exact_share(counts, n, codes)
        if rnd == "largest_remainder":
            row_codes = [CATEGORY_CODE[q][c] for c in CATEGORY_CODE[q]]
            shares = [Fraction(counts.get(c, 0) * 100, n) for c in row_codes]
            return exact, largest_remainder(shares)[row_codes.index(codes[0])]
        return exact, half_up(exact)
    if m == "n":
        if item is None:
            return Fraction(len(data.rows)), None
        _, n = get_counts()
        return Fraction(n), None
    if m in ("mention_count", "mention_pct"):
        col = q + "." + item
        rows = [r for r in data.rows if data.in_level(r["size_class"], bd)]
        k = sum(1 for r in rows if r[col] == "1")
        if m == "mention_count":
            return Fraction(k), None
        exact = Fraction(100 * k, len(rows))
        return exact, half_up(exact)
    if m == "net_count":
        counts, n = get_counts()
        return sum((counts.get(c, 0) for c in NET[cat]), Fraction(0)), None
    if m in ("net_gap", "mention_gap"):
        if m == "net_gap":
            c_in, n_in = data.muni_counts(q, item, bd)
            c_out, n_out = data.muni_counts(q, item, bd, complement=True)
            codes = NET[cat]
        else:
            col = q + "." + item
            c_in, n_in = data.resp_counts(col, q, bd)
            c_out, n_out = data.resp_counts(col, q, bd, complement=True)
            codes = {"1"}
            n_in = sum(c_in.values())
            n_out = sum(c_out.values())
        s_in = Fraction(100 * sum(c_in.get(c, 0) for c in codes), n_in)
        s_out = Fraction(100 * sum(c_out.get(c, 0) for c in codes), n_out)
        return s_in - s_out, None
    if m == "all_items_net_pct":
        cols = [c for c in data.header if c.startswith(q + ".")]
        k = sum(1 for r in data.rows if all(r[c] in NET[cat] for c in cols))
        exact = Fraction(100 * k, len(data.rows))
        return exact, half_up(exact)
    if m == "n_items":
        return Fraction(sum(1 for c in data.header if c.startswith(q + "."))), None
    if m in ("n_min", "n_max", "mean_not_in_base_pct"):
        items = [c.split(".", 1)[1] for c in data.header if c.startswith(q + ".")]
        ns = [data.muni_counts(q, i)[1] for i in items]
        if m == "n_min":
            return Fraction(min(ns)), None
        if m == "n_max":
            return Fraction(max(ns)), None
        total = len(data.munis)
        exact = sum(Fraction(100 * (total - n), total) for n in ns) / len(ns)
        return exact, half_up(exact)
    if m == "n_respondents":
        return Fraction(len(data.rows)), None
    if m == "n_municipalities":
        return Fraction(len(data.munis)), None
    if m == "response_rate_pct":
        exact = Fraction(100 * len(data.munis), rec["population_total"])
        return exact, half_up(exact)
    if m == "n_nonempty_municipalities":
        return Fraction(sum(1 for rows in data.munis.values() if any(r[q].strip() for r in rows))), None
    raise SystemExit("unknown measure " + m)


def compare(rec, exact, rounded):
    v = exact if rec["rounding"] == "none" or rounded is None else Fraction(rounded)
    c = rec["compare"]
    if c == "eq":
        return v == rec["value"]
    if c == "ge":
        return v >= rec["value"]
    if c == "le":
        return v <= rec["value"]
    if c == "range":
        return rec["low"] <= v <= rec["high"]
    if c == "approx":
        return abs(v - rec["value"]) <= rec["tolerance"]
    raise SystemExit("unknown compare " + c)


def fmt(x):
    if x is None:
        return "-"
    if isinstance(x, Fraction):
        return str(x.numerator) if x.denominator == 1 else "%.3f" % float(x)
    return str(x)


def structural_checks(data):
    errors = []
    if data.header != COLUMNS:
        errors.append("header differs from the fixed column list")
    if [r["respondent_id"] for r in data.rows] != [str(i) for i in range(1, len(data.rows) + 1)]:
        errors.append("respondent_id is not 1..N")
    if sorted(data.munis) != ["R%03d" % i for i in range(1, 99)]:
        errors.append("municipality codes are not R001..R098")
    for code, rows in data.munis.items():
        if not 1 <= len(rows) <= 4:
            errors.append("%s has %d respondents" % (code, len(rows)))
        for key in ("municipality_name", "inhabitants", "size_class", "province"):
            if len({r[key] for r in rows}) != 1:
                errors.append("%s: %s differs between respondents" % (code, key))
        if not rows[0]["municipality_name"].startswith("Reconstructie "):
            errors.append("%s: name not labelled as reconstruction" % code)
    for r in data.rows:
        inh = int(r["inhabitants"])
        lo, hi = CLASS_BOUNDS[r["size_class"]]
        if inh <= 0 or inh < lo or (hi is not None and inh >= hi):
            errors.append("respondent %s: inhabitants %d outside %s" % (r["respondent_id"], inh, r["size_class"]))
        for c in data.header:
            q = c.split(".", 1)[0]
            if q in VALID_CODES and r[c] not in VALID_CODES[q] | {""}:
                errors.append("respondent %s: invalid code %r in %s" % (r["respondent_id"], r[c], c))
        if sum(r["forms_most_typical." + i] == "1" for i in FORMS) > 2:
            errors.append("respondent %s: more than two most typical forms" % r["respondent_id"])
        if sum(r["strategy_most_successful." + i] == "1" for i in STRATEGIES) > 3:
            errors.append("respondent %s: more than three most successful strategies" % r["respondent_id"])
    for q in ("attention_level", "attention_change"):
        for i in BODIES:
            if data.muni_counts(q, i)[1] != 98:
                errors.append("%s.%s: base is not 98" % (q, i))
    if not any(len(rows) >= 2 and all(r[c] == "9" for r in rows) for rows in data.munis.values()
               for c in data.header if c.startswith(("strategy_use.", "challenges."))):
        errors.append("no multi-respondent municipality answering only 'weet niet' on an item")
    return errors


def verify(csv_path, json_path, verbose=False):
    data = Data(csv_path)
    with open(json_path, encoding="utf-8") as f:
        records = json.load(f)["records"]
    errors = structural_checks(data)
    for e in errors:
        print("STRUCTURE FAIL:", e)
    ok = 0
    total = 0
    fails = []
    claims = []
    for rec in records:
        exact, rounded = measure(data, rec)
        if rec["status"] == "reproduce":
            total += 1
            if compare(rec, exact, rounded):
                ok += 1
                if verbose:
                    print("ok   %-60s exact %-8s rounded %-4s published %s" % (rec["id"], fmt(exact), fmt(rounded),
                                                                              rec["value"]))
            else:
                fails.append((rec, exact, rounded))
        else:
            claims.append((rec, exact, rounded))
    for rec, exact, rounded in fails:
        print("FAIL %s: published %s (%s), data exact %s rounded %s" % (rec["id"], rec["value"], rec["compare"],
                                                                        fmt(exact), fmt(rounded)))
    print("published numbers reproduced: %d/%d" % (ok, total))
    print("text claims recorded as inconsistent (not reproduced; value the data gives):")
    claim_fail = 0
    for rec, exact, rounded in claims:
        got = rounded if rounded is not None else exact
        match = "" if rec.get("data_value") is None or got == rec["data_value"] else "  (!= recorded data_value %s)" % rec["data_value"]
        if match:
            claim_fail += 1
        print("  %-40s claim %s -> data %s (exact %s)%s" % (rec["id"], rec["value"], fmt(got), fmt(exact), match))
    return not fails and not errors and not claim_fail


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=SEED, help="RNG seed (default %(default)s, the committed data set)")
    ap.add_argument("--out", default=CSV_PATH, help="CSV output path")
    ap.add_argument("--published", default=JSON_PATH, help="published_numbers.json to verify against")
    ap.add_argument("--verify-only", action="store_true", help="do not generate; verify the CSV at --out")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every verified record")
    a = ap.parse_args(argv)
    if not a.verify_only:
        respondents = generate(a.seed)
        write_csv(respondents, a.out)
        print("wrote %s (%d respondents, seed %d)" % (os.path.relpath(a.out, REPO), len(respondents), a.seed))
    good = verify(a.out, a.published, a.verbose)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
