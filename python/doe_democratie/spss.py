"""SPSS ``.sav`` and ``.zsav`` files in and out, through pyreadstat.

Three functions (``pip install 'doe-democratie[spss]'``; pyreadstat needs Python ≥ 3.10)::

    import doe_democratie as dd
    from doe_democratie import spss

    draft = spss.instrument_from_sav("enquete.sav", id="enquete_2024")  # an Instrument draft
    draft.save_json("enquete_2024.json")           # edit: English labels, units, nets, …
    instrument = dd.Instrument.from_json_path("enquete_2024.json")
    survey = spss.read_sav("enquete.sav", instrument)                   # strict by default
    spss.write_sav(survey, "geconsolideerd.sav")                        # labels for SPSS users

How the file's dictionary becomes an instrument (:func:`instrument_from_sav`):

* **Scales.** Every set of value labels of a numeric variable is a scale; identical sets (the
  same values, labels and user-missing values) are one scale, named after the first question
  that uses it. User-missing values and ranges become *missing codes*: kind ``dont_know`` when
  the label reads like 'weet niet' / 'don't know', ``refused`` for 'geen antwoord' / 'weigert' /
  'refused', otherwise ``not_applicable``. They are left out of the base (``in_base: false``;
  ``dont_know_in_base=True`` counts 'weet niet' in it). Only values declared user-missing in the
  file are missing codes: a 'Weet niet' that SPSS counts as valid stays a category.
* **Questions.** Variables named ``<question>.<item>`` (the library's own column names; SPSS
  allows ``.`` inside a name) with one scale are a ``grid``; so are two or more adjacent
  variables with one scale whose names share a prefix that ends in ``_`` (``tevr_1``,
  ``tevr_2``) or in a digit followed by letters (``q5a``, ``q5b``). A variable label common to
  the items up to ``:`` or `` - `` is the question text, the rest the item label. Multiple-
  response sets in the file become ``multi_select`` questions: dichotomy sets directly (a flag
  is picked when it holds the counted value), category sets by turning the codes given into
  one flag per labelled code. Variables grouped as for a grid whose two value labels are
  exactly ``0`` 'Niet gekozen' / ``1`` 'Gekozen' (as :func:`write_sav` labels multi-select
  flags) are the options of a ``multi_select`` question instead. Any other labelled numeric
  variable is a ``single_choice`` question, a string variable an ``open_text`` question.
* **Attributes.** Variables named ``respondent_id``, ``municipality``, ``municipality_name``,
  ``role``, ``inhabitants``, ``size_class`` and ``province`` (any case), or mapped to those
  names with ``attributes={"RESPNR": "respondent_id", ...}``, stay attributes. Value labels of
  a role or province variable become the instrument's roles or provinces (in code order: edit
  the order of roles, highest rank first). The draft defines no size classes, because their
  lower bounds are not in the file: the size-class variable is left out until you add them.
* **Left out**, with a :class:`SpssWarning` naming them: numeric variables without value labels
  (the instrument format has no numeric questions: weights, dates, counts) and a size class.
  :func:`read_sav` without an instrument skips them; with an instrument they are unknown
  columns unless ``skip=`` names them.
* **Labels and ids.** Variable labels become ``text_nl`` / ``label_nl``; the English labels of
  the draft are copies of the Dutch ones. Ids are the names and labels made into ``a``–``z``,
  ``0``–``9`` and ``_`` and kept unique (``Weet niet`` → ``weet_niet``). A label that is a whole
  number other than its own code, or that repeats another code's label, gets ``(code N)``
  appended, because a cell holding it would otherwise mean two codes. A value that cannot be a
  code (negative, fractional or above 65534, such as ``-1`` 'n.v.t.') gets a free code, and
  :func:`read_sav` reads it by its label.
* **Unit.** Questions are ``unit: "respondent"`` unless ``unit=`` says otherwise (one unit for
  all, or a mapping question id → unit). An SPSS file does not say whether a question asks about
  the municipality (one answer pattern per municipality) or the respondent, and
  ``"respondent"`` never merges answers, so the draft's tables count exactly what SPSS's
  frequencies count. Set ``"municipality"`` for questions about the municipality when several
  officials of one municipality answered.

Writing (:func:`write_sav`) gives one case per respondent: the attribute columns, answer codes
as numbers with the scale's Dutch labels as value labels, missing codes declared user-missing,
multi-select flags as 0/1 labelled 'Niet gekozen' / 'Gekozen', open answers as strings, and
the Dutch item label (grids, multi-select options) or question text as variable label. SPSS
variable names are at most 64 bytes; :func:`spss_name` gives the name every column gets (the
column itself when it is a valid name, else a shortened name with a hash of the column), and
:func:`read_sav` with the instrument computes the same names, so ``read_sav(path,
survey.instrument)`` gives back an equal survey.

Limits: pyreadstat cannot write multiple-response sets, so a written file carries none (the
flag labels above still let :func:`instrument_from_sav` find them); SPSS stores at most three
user-missing values per variable, or one range and one value; variable labels are cut at 256
bytes and value labels at 120 bytes (with ``…``); SPSS has no empty string, so an empty open
answer is written as ``""`` and trailing blanks of an open answer are not kept; whether a
missing code counts in the base (``in_base``) has no SPSS equivalent.
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import os
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Optional, Union

from ._core import ATTRIBUTE_COLUMNS, Instrument, Problem, Survey, ValidationError, __version__
from ._core import _fold

__all__ = [
    "FLAG_LABELS",
    "MAX_NAME_BYTES",
    "SpssWarning",
    "instrument_from_sav",
    "read_sav",
    "spss_name",
    "write_sav",
]

StrPath = Union[str, "os.PathLike[str]"]
Unit = Literal["municipality", "respondent"]

#: The most bytes an SPSS variable name may have.
MAX_NAME_BYTES = 64
#: Value labels :func:`write_sav` gives multi-select flags (and by which
#: :func:`instrument_from_sav` recognises them without a multiple-response set).
FLAG_LABELS: Mapping[int, str] = {0: "Niet gekozen", 1: "Gekozen"}

_MAX_VARIABLE_LABEL_BYTES = 256
_MAX_VALUE_LABEL_BYTES = 120
_MAX_FILE_LABEL_BYTES = 64
_MAX_NOTE_BYTES = 80
_MAX_CODE = 65534  # 65535 marks an empty cell in the store
_ATTRIBUTES = ATTRIBUTE_COLUMNS
#: Attributes whose values are levels of the instrument (value labels map codes to them).
_LEVEL_ATTRIBUTES = {"role": "roles", "province": "provinces", "size_class": "size_classes"}
_ATTRIBUTE_LABELS_NL = {
    "respondent_id": "Respondentnummer",
    "municipality": "Gemeente (CBS-code)",
    "municipality_name": "Gemeentenaam",
    "role": "Functie van de respondent",
    "inhabitants": "Aantal inwoners",
    "size_class": "Gemeentegrootteklasse",
    "province": "Provincie",
}
# SPSS keywords that cannot be variable names.
_RESERVED = frozenset(
    {"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"}
)
_VALID_NAME = re.compile(r"[a-z][a-z0-9_.]*\Z")
_WHOLE = re.compile(r"\d+(?:\.0+)?\Z")  # what the library reads as a code
_UNITS = ("municipality", "respondent")

# Label fragments (lower case, apostrophes straightened) that give a missing code its kind.
_DONT_KNOW = (
    "weet niet",
    "weet ik niet",
    "weet het niet",
    "geen idee",
    "geen mening",
    "onbekend",
    "don't know",
    "dont know",
    "do not know",
    "not sure",
    "unknown",
)
_REFUSED = (
    "geen antwoord",
    "weiger",
    "wil niet",
    "liever niet",
    "refus",
    "no answer",
    "prefer not",
)
_SEPARATORS = (": ", " - ", " – ", " — ", " | ")


class SpssWarning(UserWarning):
    """Something in an SPSS file that the instrument draft leaves out or could not use."""


# --- lazy imports ---------------------------------------------------------------------------


def _pyreadstat() -> Any:
    try:
        import pyreadstat
    except ImportError as e:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "reading and writing SPSS files needs pyreadstat (Python >= 3.10): "
            "pip install 'doe-democratie[spss]'"
        ) from e
    return pyreadstat


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - pandas comes with the extra
        raise ImportError(
            "reading and writing SPSS files needs pandas: pip install 'doe-democratie[spss]'"
        ) from e
    return pandas


# --- names, ids and labels ------------------------------------------------------------------


def spss_name(column: str) -> str:
    """The SPSS variable name :func:`write_sav` gives a column, and :func:`read_sav` looks for.

    A column that is a valid SPSS name (a letter first, then letters, digits, ``_`` and ``.``;
    not ending in ``.``; at most 64 bytes; not a keyword such as ``and``) keeps its name. Any
    other gets its first 55 characters (made valid) and ``_`` with 8 hex digits of the SHA-1 of
    the whole column, so the name is the same on every machine and two columns never share one.
    """
    if (
        len(column.encode("utf-8")) <= MAX_NAME_BYTES
        and _VALID_NAME.match(column)
        and not column.endswith(".")
        and column not in _RESERVED
    ):
        return column
    digest = hashlib.sha1(column.encode("utf-8")).hexdigest()[:8]
    base = re.sub(r"[^a-z0-9_.]", "_", column.lower())
    if not base[:1].isalpha():
        base = "v" + base
    base = base[: MAX_NAME_BYTES - 9].rstrip(".")
    return f"{base}_{digest}"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _slug(text: str, limit: int = 48) -> str:
    """``text`` as an id: ASCII lower case, runs of anything else as one ``_``."""
    slug = re.sub(r"[^a-z0-9]+", "_", _ascii(text).lower()).strip("_")
    return slug[:limit].rstrip("_")


def _id_of_name(name: str) -> str:
    """A variable name as an id (``Q5a`` → ``q5a``, ``v 1`` → ``v_1``)."""
    return re.sub(r"_+", "_", re.sub(r"[^a-z0-9_]", "_", _ascii(name).lower())).strip("_")


def _unique(base: str, taken: set[str], fallback: str) -> str:
    base = base or fallback
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}_{n}"
        n += 1
    taken.add(candidate)
    return candidate


def _fit(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` UTF-8 bytes on a character boundary, with ``…`` when cut."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", "ignore") + "…"


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _missing_kind(label: str) -> str:
    text = label.lower().replace("’", "'").replace("‘", "'")
    if any(k in text for k in _DONT_KNOW):
        return "dont_know"
    if any(k in text for k in _REFUSED):
        return "refused"
    return "not_applicable"


def _is_code(value: float) -> bool:
    return float(value).is_integer() and 0 <= value <= _MAX_CODE


def _split_labels(labels: Sequence[str]) -> tuple[Optional[str], list[str]]:
    """A common question text and the item labels, when every label is ``<text><sep><item>``."""
    if len(labels) >= 2:
        for sep in _SEPARATORS:
            parts = [label.split(sep, 1) for label in labels]
            if all(len(p) == 2 and p[1].strip() for p in parts):
                heads = {p[0].strip() for p in parts}
                if len(heads) == 1 and next(iter(heads)):
                    return next(iter(heads)), [p[1].strip() for p in parts]
    return None, list(labels)


# --- the file's dictionary ------------------------------------------------------------------


@dataclass(frozen=True)
class _Var:
    name: str
    position: int
    label: Optional[str]
    is_string: bool
    value_labels: Mapping[Any, str]
    missing: tuple[tuple[float, float], ...]

    @property
    def text(self) -> str:
        """The variable label, or the name when there is none."""
        return self.label.strip() if self.label and self.label.strip() else self.name

    def is_missing(self, value: float) -> bool:
        return any(lo <= value <= hi for lo, hi in self.missing)


def _variables(meta: Any) -> list[_Var]:
    out = []
    for position, name in enumerate(meta.column_names):
        ranges: list[tuple[float, float]] = []
        for r in meta.missing_ranges.get(name, []):
            lo, hi = (r["lo"], r["hi"]) if isinstance(r, dict) else (r, r)
            if isinstance(lo, (int, float)) and isinstance(hi, (int, float)):
                ranges.append((float(lo), float(hi)))
        out.append(
            _Var(
                name=name,
                position=position,
                label=meta.column_names_to_labels.get(name),
                is_string=meta.readstat_variable_types.get(name) == "string",
                value_labels=dict(meta.variable_value_labels.get(name, {})),
                missing=tuple(ranges),
            )
        )
    return out


def _observed_in_ranges(df: Any, variables: Iterable[_Var]) -> dict[str, list[float]]:
    """Per numeric variable with a missing *range*, the whole values in the data inside it."""
    out: dict[str, list[float]] = {}
    for v in variables:
        if v.is_string or not any(lo < hi for lo, hi in v.missing) or v.name not in df.columns:
            continue
        values = {float(x) for x in df[v.name].dropna().unique()}
        out[v.name] = sorted(x for x in values if v.is_missing(x) and float(x).is_integer())
    return out


@dataclass(frozen=True)
class _Entry:
    """One value of a scale as the file has it: its label and, for a missing code, its kind."""

    value: float
    label: str
    kind: Optional[str]


_Key = tuple[_Entry, ...]


def _entries(v: _Var, observed: Mapping[str, list[float]]) -> Optional[_Key]:
    """The scale of a numeric variable, or None if it has no substantive value label."""
    entries: dict[float, _Entry] = {}
    for raw, label in v.value_labels.items():
        if not isinstance(raw, (int, float)) or math.isnan(float(raw)):
            continue
        value = float(raw)
        kind = _missing_kind(label) if v.is_missing(value) else None
        entries[value] = _Entry(value, str(label), kind)
    if not any(e.kind is None for e in entries.values()):
        return None
    extra = [lo for lo, hi in v.missing if lo == hi] + list(observed.get(v.name, []))
    for value in extra:
        if value not in entries and float(value).is_integer():
            entries[value] = _Entry(value, f"Ontbrekend ({_number_text(value)})", "not_applicable")
    return tuple(sorted(entries.values(), key=lambda e: (e.kind is not None, e.value)))


def _is_flag(key: _Key) -> bool:
    return [(e.value, e.label.strip().lower(), e.kind) for e in key] == [
        (float(code), label.lower(), None) for code, label in FLAG_LABELS.items()
    ]


def _codes(key: _Key) -> dict[float, int]:
    """Value → code: values that can be codes keep them; any other value gets its absolute value
    if that is a free code, else the next free code above the highest."""
    used = {int(e.value) for e in key if _is_code(e.value)}
    codes: dict[float, int] = {e.value: int(e.value) for e in key if _is_code(e.value)}
    for e in key:
        if e.value in codes:
            continue
        candidate = abs(e.value)
        if float(candidate).is_integer() and candidate <= _MAX_CODE and int(candidate) not in used:
            code = int(candidate)
        else:
            code = max(used | {0}) + 1
            while code in used:
                code += 1
        used.add(code)
        codes[e.value] = code
    return codes


@dataclass
class _Owners:
    """The code each label and id of a scale belongs to, folded as the library compares names.
    A cell may hold a code's id or label, so labels and ids share one namespace: no text may
    name two codes."""

    code_of: dict[str, int] = field(default_factory=dict)

    def claim(self, text: str, code: int) -> bool:
        return self.code_of.setdefault(_fold(text), code) == code

    def claim_label(self, e: _Entry, code: int) -> str:
        label = e.label.strip() or f"Code {code}"
        if _WHOLE.match(label) and float(label) != code:
            label = f"{label} (code {code})"
        if not self.claim(label, code):
            label = f"{label} (code {code})"
            self.claim(label, code)
        return label

    def claim_id(self, e: _Entry, code: int) -> str:
        if e.kind is None:
            base = _slug(e.label)
            base = f"code_{code}" if not base or base.isdigit() else base
        else:
            base = e.kind
        cid, n = base, 2
        while not self.claim(cid, code):
            cid = f"{base}_{code}" if n == 2 else f"{base}_{code}_{n}"
            n += 1
        return cid


def _scale(
    scale_id: str, key: _Key, label_en: str, dont_know_in_base: bool
) -> tuple[dict[str, Any], dict[float, str]]:
    """The scale's JSON and, for values that cannot be codes, value → the label they are read by."""
    codes = _codes(key)
    owners = _Owners()
    categories: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    relabel: dict[float, str] = {}
    for e in key:
        code = codes[e.value]
        label = owners.claim_label(e, code)
        entry: dict[str, Any] = {
            "code": code,
            "id": owners.claim_id(e, code),
            "label_nl": label,
            "label_en": label,
        }
        if e.kind is None:
            categories.append(entry)
        else:
            entry["kind"] = e.kind
            entry["in_base"] = dont_know_in_base and e.kind == "dont_know"
            missing.append(entry)
        if not _is_code(e.value):
            relabel[e.value] = label
    scale: dict[str, Any] = {"id": scale_id, "label_en": label_en, "categories": categories}
    if missing:
        scale["missing"] = missing
    return scale, relabel


# --- the plan: file variables → instrument ---------------------------------------------------


@dataclass
class _Plan:
    spec: dict[str, Any]
    #: SPSS variable → instrument column or attribute name.
    columns: dict[str, str] = field(default_factory=dict)
    #: Dichotomy-set members → counted value.
    counted: dict[str, float] = field(default_factory=dict)
    #: Category sets: member variables, labelled code → flag column.
    category_sets: list[tuple[list[str], dict[float, str]]] = field(default_factory=list)
    #: Coded variables: values that cannot be codes → the label they are read by.
    relabel: dict[str, dict[float, str]] = field(default_factory=dict)
    #: Role, province and size-class variables → their value labels.
    attribute_labels: dict[str, dict[Any, str]] = field(default_factory=dict)
    #: Variables the draft leaves out → why.
    left_out: dict[str, str] = field(default_factory=dict)
    #: Other things the draft could not use.
    notes: list[str] = field(default_factory=list)

    def instrument(self) -> Instrument:
        return Instrument.from_json(json.dumps(self.spec, ensure_ascii=False))


@dataclass
class _Question:
    position: int
    spec: dict[str, Any]
    key: Optional[_Key] = None
    members: list[str] = field(default_factory=list)
    #: A category set's options: labelled code → option id.
    codes: Optional[dict[float, str]] = None


def _attribute_vars(
    variables: Sequence[_Var], attributes: Optional[Mapping[str, str]]
) -> dict[str, str]:
    """SPSS variable → attribute, from ``attributes=`` first, then by name."""
    by_lower = {v.name.lower(): v.name for v in variables}
    out: dict[str, str] = {}
    for var, attribute in (attributes or {}).items():
        if attribute not in _ATTRIBUTES:
            raise ValueError(f"attributes: {attribute!r} is not one of {', '.join(_ATTRIBUTES)}")
        name = by_lower.get(var.lower())
        if name is None:
            raise ValueError(f"attributes: the file has no variable {var!r}")
        if attribute in out.values():
            raise ValueError(f"attributes: two variables are mapped to {attribute!r}")
        out[name] = attribute
    for v in variables:
        if (
            v.name not in out
            and v.name.lower() in _ATTRIBUTES
            and v.name.lower() not in out.values()
        ):
            out[v.name] = v.name.lower()
    return out


def _levels(v: _Var) -> list[dict[str, str]]:
    taken: set[str] = set()
    levels = []
    for _, label in sorted(v.value_labels.items()):
        text = str(label).strip()
        if text:
            lid = _unique(_slug(text), taken, f"level_{len(taken) + 1}")
            levels.append({"id": lid, "label_nl": text, "label_en": text})
    return levels


def _item_ids(members: Sequence[_Var]) -> list[str]:
    """Item ids from the members' names: the part after ``<question>.``, else after the shared
    prefix, else the whole name."""
    names = [m.name for m in members]
    dotted = [n.split(".", 1)[1] if "." in n else "" for n in names]
    if all(dotted):
        raw = dotted
    else:
        prefix = os.path.commonprefix([n.lower() for n in names])
        raw = (
            [n[len(prefix) :] for n in names]
            if len(names) > 1 and all(len(n) > len(prefix) for n in names)
            else names
        )
    taken: set[str] = set()
    return [_unique(_id_of_name(r), taken, f"item_{i + 1}") for i, r in enumerate(raw)]


def _items(members: Sequence[_Var]) -> tuple[Optional[str], list[dict[str, Any]]]:
    text, labels = _split_labels([m.text for m in members])
    ids = _item_ids(members)
    return text, [{"id": i, "label_nl": label, "label_en": label} for i, label in zip(ids, labels)]


def _prefix_grid(names: Sequence[str]) -> Optional[str]:
    """The question a run of names is the items of: ``tevr_1``, ``tevr_2`` → ``tevr``;
    ``q5a``, ``q5b`` → ``q5``; ``q1``, ``q2`` → None (more likely two questions)."""
    lowered = [n.lower() for n in names]
    prefix = os.path.commonprefix(lowered)
    rests = [n[len(prefix) :] for n in lowered]
    if not prefix or any(not r for r in rests):
        return None
    if prefix.endswith("_") and prefix.strip("_"):
        return prefix.rstrip("_")
    if prefix[-1].isdigit() and all(r[0].isalpha() for r in rests):
        return prefix
    return None


@dataclass
class _Draft:
    """What the steps of :func:`_plan` share: the plan so far and the questions found."""

    plan: _Plan
    #: Numeric variable → its scale (None: no value label for an answer).
    keys: dict[str, Optional[_Key]]
    #: Variables that are already an attribute or part of a question.
    used: set[str]
    questions: list[_Question] = field(default_factory=list)


def _plan(
    variables: Sequence[_Var],
    mr_sets: Mapping[str, Any],
    observed: Mapping[str, list[float]],
    *,
    instrument_id: str,
    title_nl: str,
    title_en: str,
    unit: Union[Unit, Mapping[str, Unit]],
    dont_know_in_base: bool,
    attributes: Optional[Mapping[str, str]],
) -> _Plan:
    """The steps run in order of precedence: a variable belongs to the first that takes it
    (attributes, multiple-response sets, dotted grids, prefix grids, single questions)."""
    if isinstance(unit, str) and unit not in _UNITS:
        raise ValueError(f"unit must be 'municipality' or 'respondent', not {unit!r}")
    plan = _Plan(spec={})
    attribute_of = _attribute_vars(variables, attributes)
    spec_attributes = _plan_attributes(plan, variables, attribute_of)
    keys = {v.name: _entries(v, observed) for v in variables if not v.is_string}
    draft = _Draft(plan, keys, used=set(attribute_of))
    _multiple_response_sets(draft, variables, mr_sets)
    rest = [v for v in variables if v.name not in draft.used]
    coded = _coded(draft, rest)
    _dotted_grids(draft, coded)
    _prefix_grids(draft, coded)
    _single_questions(draft, rest)
    scales, questions = _finish_questions(draft, unit, dont_know_in_base)
    if not isinstance(unit, str):
        unknown = sorted(set(unit) - {q["id"] for q in questions})
        if unknown:
            raise ValueError(f"unit: no question {', '.join(map(repr, unknown))} in the draft")
    plan.spec = {
        "format": "doe_democratie.instrument/1",
        "id": instrument_id,
        "title_nl": title_nl,
        "title_en": title_en,
        "attributes": spec_attributes,
        "scales": scales,
        "questions": questions,
    }
    return plan


def _plan_attributes(
    plan: _Plan, variables: Sequence[_Var], attribute_of: Mapping[str, str]
) -> dict[str, Any]:
    """Maps the attribute variables in the plan; the roles and provinces of the instrument."""
    by_name = {v.name: v for v in variables}
    spec_attributes: dict[str, Any] = {}
    for name, attribute in attribute_of.items():
        plan.columns[name] = attribute
        v = by_name[name]
        if attribute in _LEVEL_ATTRIBUTES and v.value_labels:
            plan.attribute_labels[name] = dict(v.value_labels)
        if attribute in ("role", "province") and v.value_labels:
            spec_attributes[_LEVEL_ATTRIBUTES[attribute]] = _levels(v)
        if attribute == "size_class":
            plan.left_out[name] = (
                "the draft defines no size classes (their lower bounds are not in the file); "
                "add them to the saved instrument, or let inhabitants give them"
            )
    return spec_attributes


def _multiple_response_sets(
    draft: _Draft, variables: Sequence[_Var], mr_sets: Mapping[str, Any]
) -> None:
    by_name = {v.name: v for v in variables}
    by_lower = {v.name.lower(): v for v in variables}
    for set_name, mr in mr_sets.items():
        resolved = [by_name.get(n) or by_lower.get(n.lower()) for n in mr.get("variable_list", [])]
        if not resolved or any(m is None or m.is_string or m.name in draft.used for m in resolved):
            draft.plan.notes.append(
                f"multiple-response set ${set_name}: its variables are not all numeric variables "
                "of the file (left to the rules for single variables)"
            )
            continue
        found = [m for m in resolved if m is not None]
        text = (mr.get("label") or "").strip() or set_name
        qid = _id_of_name(set_name)
        if mr.get("is_dichotomy"):
            _dichotomy_set(draft, found, qid, text, mr.get("counted_value"))
        else:
            codes = _set_codes(draft.keys, found)
            if not codes:
                note = f"multiple-response set ${set_name}: no value labels to count"
                draft.plan.notes.append(note)
                continue
            draft.questions.append(_category_set(found, qid, text, codes))
        draft.used.update(m.name for m in found)


def _dichotomy_set(
    draft: _Draft, members: Sequence[_Var], qid: str, text: str, counted: Optional[float]
) -> None:
    _, options = _items(members)
    spec: dict[str, Any] = {"id": qid, "text_nl": text, "kind": "multi_select", "options": options}
    draft.questions.append(_Question(members[0].position, spec, members=[m.name for m in members]))
    for m in members:
        draft.plan.counted[m.name] = float(counted if counted is not None else 1)


def _set_codes(keys: Mapping[str, Optional[_Key]], members: Sequence[_Var]) -> dict[float, str]:
    """The answer codes the members of a category set label, each with its first label."""
    codes: dict[float, str] = {}
    for m in members:
        for e in keys.get(m.name) or ():
            if e.kind is None and e.value not in codes:
                codes[e.value] = e.label.strip() or _number_text(e.value)
    return codes


def _category_set(
    members: Sequence[_Var], qid: str, text: str, codes: Mapping[float, str]
) -> _Question:
    taken: set[str] = set()
    option_of: dict[float, str] = {}
    options = []
    for value, label in sorted(codes.items()):
        oid = _unique(_slug(label) or f"code_{_number_text(value)}", taken, "option")
        option_of[value] = oid
        options.append({"id": oid, "label_nl": label, "label_en": label})
    spec: dict[str, Any] = {
        "id": qid,
        "text_nl": text,
        "kind": "multi_select",
        "options": options,
        "max_picks": min(len(members), len(options)),
    }
    return _Question(members[0].position, spec, None, [m.name for m in members], option_of)


def _coded(draft: _Draft, rest: Sequence[_Var]) -> list[_Var]:
    """The numeric variables of ``rest`` with a scale; those without one are left out."""
    for v in rest:
        if not v.is_string and draft.keys.get(v.name) is None:
            draft.plan.left_out[v.name] = (
                "numeric without value labels for its answers (the instrument format has no "
                "numeric questions)"
            )
    return [v for v in rest if not v.is_string and draft.keys.get(v.name) is not None]


def _group(draft: _Draft, members: Sequence[_Var], qid: str) -> None:
    """Variables with one scale as one question: a grid, or a multi-select question when their
    value labels are the :data:`FLAG_LABELS` that :func:`write_sav` gives flags."""
    key = draft.keys[members[0].name]
    assert key is not None
    text, items = _items(members)
    names = [m.name for m in members]
    if _is_flag(key):
        flags = {"id": qid, "text_nl": text or qid, "kind": "multi_select", "options": items}
        draft.questions.append(_Question(members[0].position, flags, members=names))
    else:
        grid = {"id": qid, "text_nl": text or qid, "kind": "grid", "items": items}
        draft.questions.append(_Question(members[0].position, grid, key, names))
    draft.used.update(names)


def _dotted_grids(draft: _Draft, coded: Sequence[_Var]) -> None:
    """Groups the ``<question>.<item>`` variables of one question that share a scale."""
    dotted: dict[str, list[_Var]] = {}
    for v in coded:
        if "." in v.name:
            dotted.setdefault(v.name.split(".", 1)[0], []).append(v)
    for head, members in dotted.items():
        if len({draft.keys[m.name] for m in members}) == 1:
            _group(draft, members, _id_of_name(head))


def _prefix_grids(draft: _Draft, coded: Sequence[_Var]) -> None:
    """Groups runs of adjacent variables with one scale and a prefix :func:`_prefix_grid` takes."""
    runs: list[list[_Var]] = []
    for v in coded:
        if v.name in draft.used:
            continue
        run = runs[-1] if runs else []
        if (
            run
            and v.position == run[-1].position + 1
            and draft.keys[v.name] == draft.keys[run[0].name]
            and _prefix_grid([m.name for m in run] + [v.name]) is not None
        ):
            run.append(v)
        else:
            runs.append([v])
    for run in runs:
        stem = _prefix_grid([m.name for m in run]) if len(run) >= 2 else None
        if stem is not None:
            _group(draft, run, _id_of_name(stem))


def _single_questions(draft: _Draft, rest: Sequence[_Var]) -> None:
    """Every variable not used or left out yet as a question of its own."""
    for v in rest:
        if v.name in draft.used or v.name in draft.plan.left_out:
            continue
        kind = "open_text" if v.is_string else "single_choice"
        spec = {"id": _id_of_name(v.name), "text_nl": v.text, "kind": kind}
        key = None if v.is_string else draft.keys[v.name]
        draft.questions.append(_Question(v.position, spec, key, [v.name]))
        draft.used.add(v.name)


@dataclass
class _Scales:
    """The draft's scales: one per distinct key, with the id of the first question using it."""

    dont_know_in_base: bool
    specs: list[dict[str, Any]] = field(default_factory=list)
    id_of: dict[_Key, str] = field(default_factory=dict)
    #: Scale id → values that cannot be codes → the label they are read by.
    relabel: dict[str, dict[float, str]] = field(default_factory=dict)

    def use(self, key: _Key, qid: str, first_member: str) -> tuple[str, dict[float, str]]:
        """The scale id for ``key`` (a new scale named ``qid`` if there is none yet) and its
        relabelling."""
        if key not in self.id_of:
            label_en = f"SPSS value labels of {first_member}"
            scale, relabel = _scale(qid, key, label_en, self.dont_know_in_base)
            self.id_of[key] = qid
            self.specs.append(scale)
            self.relabel[qid] = relabel
        scale_id = self.id_of[key]
        return scale_id, self.relabel[scale_id]


def _finish_questions(
    draft: _Draft, unit: Union[Unit, Mapping[str, Unit]], dont_know_in_base: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The scales and the questions' JSON in file order, with unique ids, units and scales;
    maps the questions' variables to their columns in the plan."""
    draft.questions.sort(key=lambda question: question.position)
    taken_ids: set[str] = set(_ATTRIBUTES)
    scales = _Scales(dont_know_in_base)
    questions = []
    for q in draft.questions:
        spec = q.spec
        qid = _unique(spec["id"], taken_ids, "question")
        spec["id"] = qid
        spec["text_en"] = spec["text_nl"]
        spec["unit"] = _unit_of(unit, qid)
        if q.key is not None:
            spec["scale"], relabel = scales.use(q.key, qid, q.members[0])
            if relabel:
                for member in q.members:
                    draft.plan.relabel[member] = relabel
        questions.append(_ordered(spec))
        _map_columns(draft.plan, q)
    return scales.specs, questions


def _unit_of(unit: Union[Unit, Mapping[str, Unit]], qid: str) -> str:
    value = unit if isinstance(unit, str) else unit.get(qid, "respondent")
    if value not in _UNITS:
        raise ValueError(
            f"unit of question {qid!r} must be 'municipality' or 'respondent', not {value!r}"
        )
    return value


def _ordered(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The question's JSON with its keys in the order the instrument format lists them."""
    ordered = {k: spec[k] for k in ("id", "text_nl", "text_en", "unit", "kind")}
    for k in ("scale", "items", "options", "max_picks"):
        if k in spec:
            ordered[k] = spec[k]
    return ordered


def _map_columns(plan: _Plan, q: _Question) -> None:
    """Maps the question's variables to its columns (a category set's codes to its flags)."""
    qid = q.spec["id"]
    if q.codes is not None:
        flags = {value: f"{qid}.{oid}" for value, oid in q.codes.items()}
        plan.category_sets.append((q.members, flags))
    elif q.spec["kind"] in ("grid", "multi_select"):
        items = q.spec.get("items") or q.spec["options"]
        for member, item in zip(q.members, items):
            plan.columns[member] = f"{qid}.{item['id']}"
    else:
        plan.columns[q.members[0]] = qid


def _read(
    path: StrPath, *, metadataonly: bool, usecols: Optional[list[str]] = None
) -> tuple[Any, Any]:
    pyreadstat = _pyreadstat()
    target = os.fspath(path)
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, "an SPSS file is needed, not a folder", target)
    if not os.path.exists(target):
        raise FileNotFoundError(errno.ENOENT, "no such SPSS file", target)
    try:
        df, meta = pyreadstat.read_sav(
            target,
            metadataonly=metadataonly,
            usecols=usecols,
            user_missing=True,
            disable_datetime_conversion=True,
        )
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError) as e:
        message = f"not a readable SPSS .sav/.zsav file: {e}"
        error = ValidationError(f"1 validation problem:\n  {target}: {message} (malformed)")
        error.problems = [Problem("malformed", target, None, None, None, message)]
        error.report = str(error)
        raise error from e
    return df, meta


def _draft_plan(
    path: StrPath,
    meta: Any,
    variables: Sequence[_Var],
    observed: Mapping[str, list[float]],
    *,
    id: Optional[str] = None,
    title_nl: Optional[str] = None,
    title_en: Optional[str] = None,
    unit: Union[Unit, Mapping[str, Unit]] = "respondent",
    dont_know_in_base: bool = False,
    attributes: Optional[Mapping[str, str]] = None,
) -> _Plan:
    """The plan :func:`instrument_from_sav` makes of the file, with the same defaults."""
    stem = Path(os.fspath(path)).stem
    instrument_id = id if id is not None else (_id_of_name(stem) or "sav")
    title = title_nl or (meta.file_label or "").strip() or Path(os.fspath(path)).name
    return _plan(
        variables,
        getattr(meta, "mr_sets", None) or {},  # pyreadstat versions before mr_sets read none
        observed,
        instrument_id=instrument_id,
        title_nl=title,
        title_en=title_en or title,
        unit=unit,
        dont_know_in_base=dont_know_in_base,
        attributes=attributes,
    )


def _observed_in_file(path: StrPath, variables: Sequence[_Var]) -> dict[str, list[float]]:
    """:func:`_observed_in_ranges` from the data of the variables with a missing range only:
    the dictionary alone does not say which values in a range occur."""
    ranged = [v.name for v in variables if not v.is_string and any(lo < hi for lo, hi in v.missing)]
    if not ranged:
        return {}
    data, _ = _read(path, metadataonly=False, usecols=ranged)
    return _observed_in_ranges(data, variables)


def _warn(plan: _Plan, path: StrPath) -> None:
    """Call it from the public function itself: the warning then points at the user's call."""
    lines = [f"{name}: {why}" for name, why in plan.left_out.items()] + plan.notes
    if lines:
        warnings.warn(
            f"{os.fspath(path)}: the instrument draft leaves out or could not use:\n  "
            + "\n  ".join(lines),
            SpssWarning,
            stacklevel=3,
        )


def instrument_from_sav(
    path: StrPath,
    *,
    id: Optional[str] = None,
    title_nl: Optional[str] = None,
    title_en: Optional[str] = None,
    unit: Union[Unit, Mapping[str, Unit]] = "respondent",
    dont_know_in_base: bool = False,
    attributes: Optional[Mapping[str, str]] = None,
) -> Instrument:
    """An instrument draft from the dictionary of an SPSS ``.sav`` or ``.zsav`` file.

    Value labels become scales, variables questions (grids, single choice, multi-select from
    multiple-response sets, open text), user-missing values missing codes; the module docstring
    gives every rule. Save the draft (``save_json``), edit it (English labels, units, nets,
    short labels, the order of roles) and pass it to :func:`read_sav`.

    :param id: the instrument's id; default: the file name made into an id.
    :param title_nl: default: the file label, else the file name.
    :param title_en: default: the Dutch title.
    :param unit: ``"respondent"`` (default) or ``"municipality"`` for every question, or a
        mapping question id → unit (questions not named are ``"respondent"``).
    :param dont_know_in_base: count 'weet niet' codes in the base of percentages.
    :param attributes: SPSS variable → attribute column (``respondent_id``, ``municipality``,
        ``municipality_name``, ``role``, ``inhabitants``, ``size_class``, ``province``), for
        variables not named so.
    :raises ImportError: without pyreadstat.
    :raises FileNotFoundError: if there is no such file.
    :raises ValidationError: with one ``malformed`` problem if pyreadstat cannot read the file.
    :warns SpssWarning: naming the variables the draft leaves out.
    """
    _, meta = _read(path, metadataonly=True)
    variables = _variables(meta)
    plan = _draft_plan(
        path,
        meta,
        variables,
        _observed_in_file(path, variables),
        id=id,
        title_nl=title_nl,
        title_en=title_en,
        unit=unit,
        dont_know_in_base=dont_know_in_base,
        attributes=attributes,
    )
    _warn(plan, path)
    return plan.instrument()


# --- reading --------------------------------------------------------------------------------


def _instrument_levels(instrument: Instrument) -> dict[str, set[str]]:
    attributes = json.loads(instrument.to_json()).get("attributes", {})
    return {
        attribute: {level["id"] for level in attributes.get(key, [])}
        for attribute, key in _LEVEL_ATTRIBUTES.items()
    }


def _item_names(name: str) -> list[str]:
    """The ``<question>.<item>`` columns a grid variable may stand for: ``tevr_1`` → ``tevr.1``,
    ``q5a`` → ``q5.a`` (lower case)."""
    lowered = _id_of_name(name)
    out = [
        lowered[:i] + "." + lowered[i + 1 :]
        for i, c in enumerate(lowered)
        if c == "_" and 0 < i < len(lowered) - 1
    ]
    out += [
        lowered[:i] + "." + lowered[i:]
        for i in range(1, len(lowered))
        if lowered[i - 1].isdigit() and lowered[i].isalpha()
    ]
    return out


def _mapped(series: Any, mapping: Mapping[Any, str], keep: set[str]) -> Any:
    """``series`` with each value in ``mapping`` replaced by its label (values in ``keep`` kept)."""

    def one(x: Any) -> Any:
        if isinstance(x, str) and x in keep:
            return x
        try:
            return mapping.get(x, x)
        except TypeError:
            return x

    return series.astype(object).map(one)


@dataclass
class _Reading:
    """Which column :func:`read_sav` reads each SPSS variable as, and how."""

    instrument: Instrument
    #: SPSS variable → column.
    targets: dict[str, str]
    #: Category sets whose flag columns the instrument has.
    category_sets: list[tuple[list[str], dict[float, str]]]
    #: Attribute → the instrument's level ids: a string cell holding one is kept as it is.
    levels: dict[str, set[str]]
    #: The multi-select flags: a dichotomy-set member is read as one only if its column is one.
    flag_columns: set[str]


def _draft_reading(plan: _Plan) -> _Reading:
    """Reading by the file's own draft: every variable it does not leave out, as its column."""
    instrument = plan.instrument()
    targets = {v: c for v, c in plan.columns.items() if v not in plan.left_out}
    return _Reading(
        instrument=instrument,
        targets=targets,
        category_sets=plan.category_sets,
        levels={a: set() for a in _LEVEL_ATTRIBUTES},
        flag_columns=set(targets.values()),
    )


def _instrument_reading(
    instrument: Instrument, plan: _Plan, variables: Sequence[_Var]
) -> _Reading:
    known = list(instrument.columns()) + list(_ATTRIBUTES)
    return _Reading(
        instrument=instrument,
        targets=_targets(known, plan, variables),
        category_sets=[
            (members, flags)
            for members, flags in plan.category_sets
            if all(c in known for c in flags.values())
        ],
        levels=_instrument_levels(instrument),
        flag_columns={
            column
            for q in instrument.question_ids()
            if instrument.question(q)["kind"] == "multi_select"
            for column in instrument.question(q)["columns"]
        },
    )


def _targets(known: Sequence[str], plan: _Plan, variables: Sequence[_Var]) -> dict[str, str]:
    """SPSS variable → the known column with its name or :func:`spss_name` (any case), else the
    column the draft maps it to, else the one grid column its name may stand for, else itself
    (an unknown column)."""
    by_name: dict[str, str] = {}
    for column in known:
        by_name.setdefault(column.lower(), column)
        by_name.setdefault(spss_name(column).lower(), column)
    targets = {}
    for v in variables:
        if v.name.lower() in by_name:
            targets[v.name] = by_name[v.name.lower()]
        elif plan.columns.get(v.name) in known:
            targets[v.name] = plan.columns[v.name]
        else:
            found = [by_name[c] for c in _item_names(v.name) if c in by_name]
            targets[v.name] = found[0] if len(found) == 1 else v.name
    return targets


@dataclass
class _Columns:
    """The columns read so far, each with the SPSS variable it comes from."""

    path: str
    series: dict[str, Any] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)

    def put(self, column: str, series: Any, name: str) -> None:
        if column in self.series:
            raise ValueError(
                f"{self.path}: variables {self.origin[column]!r} and {name!r} are both read as "
                f"column {column!r}"
            )
        self.series[column] = series
        self.origin[column] = name


def _read_columns(
    df: Any,
    variables: Sequence[_Var],
    plan: _Plan,
    reading: _Reading,
    skipped: set[str],
    path: str,
) -> _Columns:
    in_sets = {m for members, _ in reading.category_sets for m in members}
    columns = _Columns(path)
    for v in variables:
        if v.name.lower() in skipped:
            continue
        if v.name in in_sets:
            _read_category_set(columns, df, v.name, reading.category_sets)
            continue
        column = reading.targets.get(v.name)
        if column is not None:
            columns.put(column, _converted(df[v.name], v, column, plan, reading), v.name)
    return columns


def _read_category_set(
    columns: _Columns,
    df: Any,
    name: str,
    category_sets: Sequence[tuple[list[str], dict[float, str]]],
) -> None:
    """The flags of the category set ``name`` is a member of, once (at its first member): a flag
    is picked when a member holds its code, and empty when no member holds a code of the set."""
    members, flags = next(cs for cs in category_sets if name in cs[0])
    if name != members[0]:
        return
    values = df[members]
    given = values.isin(list(flags)).any(axis=1)
    for value, flag_column in flags.items():
        picked = (values == value).any(axis=1).astype(float)
        columns.put(flag_column, picked.where(given), flag_column)


def _converted(series: Any, v: _Var, column: str, plan: _Plan, reading: _Reading) -> Any:
    """The variable's values as ``column`` reads them: attribute levels by their label, a
    dichotomy-set member as a flag, values that cannot be codes by their label."""
    if column in _LEVEL_ATTRIBUTES and v.name in plan.attribute_labels:
        return _mapped(series, plan.attribute_labels[v.name], reading.levels.get(column, set()))
    if v.name in plan.counted and not v.is_string and column in reading.flag_columns:
        flag = (series == plan.counted[v.name]).astype(float)
        missing = series.isna() | series.map(lambda x: v.is_missing(float(x)) if x == x else True)
        return flag.where(~missing)
    if v.name in plan.relabel and column not in _ATTRIBUTES:
        relabel = plan.relabel[v.name]
        if series.isin(list(relabel)).any():
            return _mapped(series, relabel, set())
    return series


def read_sav(
    path: StrPath,
    instrument: Optional[Instrument] = None,
    *,
    strict: bool = True,
    attributes: Optional[Mapping[str, str]] = None,
    skip: Iterable[str] = (),
) -> Survey:
    """Reads an SPSS ``.sav`` or ``.zsav`` file into a :class:`Survey`.

    User-missing values are read as the codes they are (9 'weet niet' stays 9), system-missing
    values as empty cells, whole numbers (``1.0``) as codes and strings as text. Each variable is
    read as the instrument column with its name or its :func:`spss_name` (any case); a variable
    the instrument draft of the file would map elsewhere (``tevr_1`` → ``tevr.1``, the members
    of a multiple-response set, attributes named in ``attributes=``) is read as that column
    when the instrument has it. Value labels of role, province and size-class codes are read as
    those labels. Anything else is an unknown column, as in every reader of the library.

    :param instrument: default: :func:`instrument_from_sav` of the same file (its
        :class:`SpssWarning` included); the variables the draft leaves out are not read.
    :param strict: ``True`` raises :class:`~doe_democratie.ValidationError` at the first problem;
        ``False`` keeps every valid value and lists the problems in ``survey.problems``. Either
        way a problem names the file, the case number (row, 1-based), the SPSS variable and
        the value.
    :param attributes: SPSS variable → attribute column, as for :func:`instrument_from_sav`.
    :param skip: SPSS variables not to read (weights, dates, …).
    :raises FileNotFoundError: if there is no such file.
    :raises ValidationError: in strict mode at the first problem, and in both modes (one
        ``malformed`` problem) if pyreadstat cannot read the file.
    """
    pd = _pandas()
    target = os.fspath(path)
    df, meta = _read(target, metadataonly=False)
    variables = _variables(meta)
    observed = _observed_in_ranges(df, variables)
    plan = _draft_plan(target, meta, variables, observed, attributes=attributes)
    skipped = {s.lower() for s in skip}
    if instrument is None:
        _warn(plan, target)
        reading = _draft_reading(plan)
    else:
        reading = _instrument_reading(instrument, plan, variables)
    columns = _read_columns(df, variables, plan, reading, skipped, target)
    # The frame keeps the SPSS names and `columns=` maps them, so problems name the variable
    # as the user knows it, and `source=` names the file.
    frame = pd.DataFrame({columns.origin[c]: s for c, s in columns.series.items()}, index=df.index)
    renamed = {name: column for column, name in columns.origin.items() if column != name}
    return Survey.from_pandas(
        frame, reading.instrument, strict=strict, columns=renamed or None, source=target
    )


# --- writing --------------------------------------------------------------------------------


def _missing_spec(
    missing: Sequence[int], substantive: Sequence[int]
) -> tuple[list[Any], list[int]]:
    """SPSS user-missing values for ``missing`` (at most three values, or a range and a value
    holding no substantive code), and the codes that did not fit."""
    codes = sorted(missing)
    if len(codes) <= 3:
        return [float(c) for c in codes], []
    for single in [None, *codes]:
        rest = [c for c in codes if c != single]
        lo, hi = min(rest), max(rest)
        if not any(lo <= c <= hi for c in substantive):
            spec: list[Any] = [{"lo": float(lo), "hi": float(hi)}]
            if single is not None:
                spec.append(float(single))
            return spec, []
    return [float(c) for c in codes[:3]], codes[3:]


def _sav_target(path: StrPath) -> Path:
    target = Path(os.fspath(path))
    if target.is_dir():
        raise IsADirectoryError(
            errno.EISDIR, "write_sav needs a file name, not a folder", str(target)
        )
    if not target.parent.is_dir():
        raise FileNotFoundError(
            errno.ENOENT, "the folder to write the SPSS file in does not exist", str(target.parent)
        )
    return target


def _spss_names(columns: Iterable[str]) -> dict[str, str]:
    """Column → :func:`spss_name`; SPSS names ignore case, so two that differ in case clash."""
    names: dict[str, str] = {}
    seen: dict[str, str] = {}
    for column in columns:
        name = spss_name(column)
        if name.lower() in seen:
            raise ValueError(
                f"columns {seen[name.lower()]!r} and {column!r} get one SPSS name {name!r}"
            )
        seen[name.lower()] = column
        names[column] = name
    return names


def _column_questions(spec: Mapping[str, Any]) -> dict[str, tuple[Any, Optional[Any]]]:
    """Column → its question's JSON and its item's (a grid item or multi-select option; None for
    a question of one column)."""
    out: dict[str, tuple[Any, Optional[Any]]] = {}
    for q in spec["questions"]:
        items = q.get("items") or q.get("options") or []
        if items:
            for item in items:
                out[f"{q['id']}.{item['id']}"] = (q, item)
        else:
            out[q["id"]] = (q, None)
    return out


def _level_labels(spec: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Attribute → level id → Dutch label, for roles, size classes and provinces."""
    return {
        attribute: {
            level["id"]: level["label_nl"] for level in spec.get("attributes", {}).get(key, [])
        }
        for attribute, key in _LEVEL_ATTRIBUTES.items()
    }


@dataclass
class _Dictionary:
    """The SPSS dictionary :func:`write_sav` writes, per variable name, as pyreadstat takes it."""

    labels: dict[str, Optional[str]] = field(default_factory=dict)
    value_labels: dict[str, dict[Any, str]] = field(default_factory=dict)
    missing_ranges: dict[str, list[Any]] = field(default_factory=dict)
    measure: dict[str, str] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)
    #: Missing codes SPSS cannot declare, as ``<name>: codes …``.
    unfit: list[str] = field(default_factory=list)

    def add_attribute(self, name: str, column: str, levels: Mapping[str, str]) -> None:
        self.labels[name] = _ATTRIBUTE_LABELS_NL[column]
        if levels:
            self.value_labels[name] = {
                k: _fit(v, _MAX_VALUE_LABEL_BYTES) for k, v in levels.items()
            }
        self.measure[name] = "scale" if column == "inhabitants" else "nominal"
        if column == "inhabitants":
            self.formats[name] = "F10.0"

    def add_question(
        self, name: str, q: Any, item: Optional[Any], scales: Mapping[str, Any]
    ) -> None:
        label = item["label_nl"] if item else q["text_nl"]
        self.labels[name] = _fit(label, _MAX_VARIABLE_LABEL_BYTES)
        self.measure[name] = "nominal"
        if q["kind"] == "multi_select":
            self.value_labels[name] = {float(k): v for k, v in FLAG_LABELS.items()}
            self.formats[name] = "F1.0"
        elif q["kind"] in ("single_choice", "grid"):
            self.add_scale(name, scales[q["scale"]])

    def add_scale(self, name: str, scale: Mapping[str, Any]) -> None:
        entries = scale["categories"] + scale.get("missing", [])
        self.value_labels[name] = {
            float(e["code"]): _fit(e["label_nl"], _MAX_VALUE_LABEL_BYTES) for e in entries
        }
        self.formats[name] = f"F{len(str(max(e['code'] for e in entries)))}.0"
        missing = [m["code"] for m in scale.get("missing", [])]
        if missing:
            declared, left = _missing_spec(missing, [c["code"] for c in scale["categories"]])
            self.missing_ranges[name] = declared
            if left:
                self.unfit.append(f"{name}: codes {', '.join(map(str, left))}")


def _dictionary(
    spec: Mapping[str, Any], columns: Iterable[str], names: Mapping[str, str]
) -> _Dictionary:
    scales = {s["id"]: s for s in spec["scales"]}
    questions = _column_questions(spec)
    levels = _level_labels(spec)
    dictionary = _Dictionary()
    for column in columns:
        if column in _ATTRIBUTES:
            dictionary.add_attribute(names[column], column, levels.get(column, {}))
        else:
            q, item = questions[column]
            dictionary.add_question(names[column], q, item, scales)
    return dictionary


def write_sav(survey: Survey, path: StrPath, *, compress: bool = False) -> None:
    """Writes the survey as an SPSS file, one case per respondent (``survey.respondents()``).

    Variables: the attribute columns (roles, size classes and provinces as the instrument's ids,
    labelled with their Dutch labels), one numeric variable per coded column with the scale's
    codes, Dutch value labels and the missing codes as user-missing values, multi-select flags
    as 0/1 labelled :data:`FLAG_LABELS`, open answers as strings. Variable labels are the Dutch
    item labels (grids, multi-select options) or question texts. Names are :func:`spss_name`
    of the columns, so that ``read_sav(path, survey.instrument)`` reads an equal survey.

    :param path: the file to write (replaced if it exists); its folder must exist. Nothing else
        is written.
    :param compress: write a zlib-compressed ``.zsav``; also when ``path`` ends in ``.zsav``.
    :raises IsADirectoryError: if ``path`` is a folder.
    :warns SpssWarning: when a scale has more missing codes than SPSS can declare.
    """
    pyreadstat = _pyreadstat()
    target = _sav_target(path)
    zsav = compress or target.suffix.lower() == ".zsav"
    spec = json.loads(survey.instrument.to_json())
    df = survey.respondents().to_pandas()
    names = _spss_names(df.columns)
    dictionary = _dictionary(spec, df.columns, names)
    if dictionary.unfit:
        warnings.warn(
            "SPSS declares at most three user-missing values (or a range and a value); these "
            "missing codes are labelled but not declared missing:\n  "
            + "\n  ".join(dictionary.unfit),
            SpssWarning,
            stacklevel=2,
        )
    note = f"Written by doe_democratie {__version__} from instrument '{spec['id']}'."
    pyreadstat.write_sav(
        df.rename(columns=names),
        os.fspath(target),
        file_label=_fit(spec["title_nl"], _MAX_FILE_LABEL_BYTES),
        column_labels=dictionary.labels,
        compress=zsav,
        note=_fit(note, _MAX_NOTE_BYTES),
        variable_value_labels=dictionary.value_labels,
        missing_ranges=dictionary.missing_ranges,
        variable_measure=dictionary.measure,
        variable_format=dictionary.formats,
    )
