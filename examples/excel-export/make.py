"""Writes antwoorden.csv: the bundled 2013 reconstruction as a Dutch Excel export would hold it.

Windows-1252, semicolons, Dutch headers (``Respondent``, ``Gemeente`` with names, ``Functie``,
``Inwoners`` in Dutch notation, ``Provincie``), the strategy grid under its short Dutch labels with
the short answers an analyst types (``Vaak``, ``Regelmatig``, ``Soms``, ``Niet``, ``Weet niet``),
blank cells where no answer was given, and an ``Opmerkingen`` column the instrument does not know.
``profiel.json`` is the import profile that reads it. The data are the SYNTHETIC reconstruction
(invented respondents that reproduce the published numbers), not real answers.

Run from the repository root: ``python examples/excel-export/make.py``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ANSWERS = {"1": "Vaak", "2": "Regelmatig", "3": "Soms", "4": "Niet", "9": "Weet niet"}
ROLES = {
    "municipal_secretary": "Gemeentesecretaris",
    "policy_officer_social": "Beleidsmedewerker",
    "project_lead_participation": "Projectleider burgerparticipatie",
    "district_manager": "Wijkmanager",
    "team_lead_society": "Teamleider",
    "communication_adviser": "Communicatieadviseur",
    "other": "Anders",
}
COMMENTS = ["", "", "Zie ook de raadsbrief van één maart.", "", "Moeilijk te zeggen; ‘weet niet’ is eerlijk."]


def main() -> None:
    instrument = json.loads((ROOT / "src/instrument/doe_democratie_2013.json").read_text("utf-8"))
    strategy = next(q for q in instrument["questions"] if q["id"] == "strategy_use")
    headers = {f"strategy_use.{i['id']}": f"Strategie: {i['short_label_nl']}" for i in strategy["items"]}
    provinces = {p["id"]: p["label_nl"] for p in instrument["attributes"]["provinces"]}
    with open(ROOT / "data/doe_democratie_2013_reconstructed.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out_header = ["Respondent", "Gemeente", "Functie", "Inwoners", "Provincie", *headers.values(), "Opmerkingen"]
    with open(HERE / "antwoorden.csv", "w", encoding="cp1252", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        w.writerow(out_header)
        for n, r in enumerate(rows):
            inhabitants = f"{int(r['inhabitants']):,}".replace(",", ".") if r["inhabitants"] else ""
            w.writerow([
                f"R{int(r['respondent_id']):03d}",
                r["municipality_name"],
                ROLES.get(r["role"], ""),
                inhabitants,
                provinces.get(r["province"], ""),
                *(ANSWERS.get(r[c], "") for c in headers),
                COMMENTS[n % len(COMMENTS)],
            ])
    profile = {
        "format": "doe_democratie.import_profile/1",
        "description": "Excel export of the gemeente-enquête: Windows-1252, ';', Dutch headers",
        "encoding": "windows-1252",
        "delimiter": ";",
        "columns": {
            "Respondent": "respondent_id",
            "Gemeente": "municipality",
            "Functie": "role",
            "Inwoners": "inhabitants",
            "Provincie": "province",
            **{v: k for k, v in headers.items()},
        },
        "ignore_columns": ["Opmerkingen"],
    }
    (HERE / "profiel.json").write_text(json.dumps(profile, ensure_ascii=False, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
