"""Writes the catalogue's inputs that are not UTF-8 text (and so cannot sit in manifest.json).

Run from this folder: python3 make_binary_inputs.py. Deterministic; the outputs are committed.
"""

TEXT = "respondent_id,municipality\r\n1,GM1\r\n"
FILES = {
    "utf16le_no_bom.csv": TEXT.encode("utf-16-le"),
    "utf16be_no_bom.csv": TEXT.encode("utf-16-be"),
    "windows1252.csv": "respondent_id;municipality;municipality_name\n1;GM1;S\u00fadwest-Frysl\u00e2n \u201cx\u201d\n".encode("cp1252"),
    "instrument_latin1.json": '{"id": "caf\u00e9"}'.encode("latin-1"),
    "spec_latin1.json": '{"id": "caf\u00e9", "figures": []}'.encode("latin-1"),
    "nul_bytes.csv": b"respondent_id,municipality\n1,GM\x001\n",
}

for name, data in FILES.items():
    with open(name, "wb") as f:
        f.write(data)
