"""Writes the stored-survey cases (defect 9): a valid survey's saved state and three copies with
one inconsistency each. Needs the built module (bash scripts/setup.sh); run from this folder.
"""

import json

import doe_democratie as dd

survey = dd.Survey.from_dict(
    {
        "respondent_id": ["1", "2"],
        "municipality": ["GM1", "GM2"],
        "inhabitants": [12000, 150000],
    }
)
_, (state,) = survey.__reduce__()
base = json.loads(state)


def write(name: str, change) -> None:  # type: ignore[no-untyped-def]
    value = json.loads(json.dumps(base))
    change(value)
    with open(name, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


write("stored_valid.json", lambda v: None)
write("stored_duplicate_respondent.json", lambda v: v["responses"]["respondent_ids"].__setitem__(1, "1"))
write(
    "stored_unknown_size_class.json",
    lambda v: v["responses"]["municipalities"][0].__setitem__("size_class", "huge"),
)
write(
    "stored_inhabitants_against_class.json",
    lambda v: v["responses"]["municipalities"][0].__setitem__("inhabitants", 500000),
)
