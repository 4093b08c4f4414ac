# Hand-written stubs for the Rust extension module; checked with
# `python -m mypy.stubtest doe_democratie._core`.
import os
from collections.abc import Iterable, Mapping
from typing import Any, Callable, ClassVar, Literal, TypedDict, final

__all__ = [
    "__version__",
    "Instrument",
    "Survey",
    "Problem",
    "DoeDemocratieError",
    "ValidationError",
    "InstrumentError",
    "UnknownIdError",
    "InvalidArgumentError",
]

__version__: str

_StrPath = str | os.PathLike[str]

_ProblemKind = Literal[
    "unknown_column",
    "missing_column",
    "duplicate_column",
    "invalid_code",
    "too_many_picks",
    "duplicate_respondent",
    "missing_respondent_id",
    "missing_municipality",
    "invalid_inhabitants",
    "invalid_size_class",
    "invalid_attribute",
    "inconsistent_municipality",
    "encoding",
    "malformed",
]

class _Item(TypedDict):
    id: str
    label_nl: str
    label_en: str
    tags: dict[str, str]

class _Question(TypedDict):
    id: str
    kind: Literal["single_choice", "grid", "multi_select", "open_text"]
    text_nl: str
    text_en: str
    unit: Literal["municipality", "respondent"]
    scale: str | None
    items: list[_Item]
    max_picks: int | None
    columns: list[str]

class _Category(TypedDict):
    code: int
    id: str
    label_nl: str
    label_en: str

class _MissingCode(TypedDict):
    code: int
    id: str
    label_nl: str
    label_en: str
    kind: Literal["dont_know", "refused", "not_applicable"]
    in_base: bool

class _Net(TypedDict):
    id: str
    label_nl: str
    label_en: str
    codes: list[int]

class _Scale(TypedDict):
    id: str
    label_en: str
    categories: list[_Category]
    missing: list[_MissingCode]
    nets: list[_Net]

class _ItemSummary(TypedDict):
    column: str
    question: str
    item: str | None
    asked: bool
    answered: int
    dont_know: int
    missing: int
    picked: int | None

# --- exceptions ------------------------------------------------------------------------------

class DoeDemocratieError(Exception):
    """Base class of every exception raised by doe_democratie."""

class ValidationError(DoeDemocratieError, ValueError):
    """Respondent data that does not fit the instrument."""

    problems: list[Problem]
    report: str

class InstrumentError(DoeDemocratieError, ValueError):
    """An invalid instrument definition, or an instrument file that cannot be parsed."""

    message: str
    at: str | None
    source_name: str | None
    line: int | None
    column: int | None

class UnknownIdError(DoeDemocratieError, KeyError):
    """A lookup by id that names nothing in the instrument or data."""

    kind: str
    id: str
    known: list[str]

class InvalidArgumentError(DoeDemocratieError, ValueError):
    """An argument outside its allowed values."""

    name: str
    message: str

# --- classes ---------------------------------------------------------------------------------

@final
class Problem:
    """One located problem found while reading respondent data."""

    def __new__(
        cls,
        kind: _ProblemKind,
        file: str,
        row: int | None,
        column: str | None,
        value: str | None,
        message: str,
    ) -> Problem: ...
    @property
    def kind(self) -> _ProblemKind: ...
    @property
    def file(self) -> str: ...
    @property
    def row(self) -> int | None: ...
    @property
    def column(self) -> str | None: ...
    @property
    def value(self) -> str | None: ...
    @property
    def message(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __reduce__(
        self,
    ) -> tuple[type[Problem], tuple[str, str, int | None, str | None, str | None, str]]: ...

@final
class Instrument:
    """A validated survey instrument: scales, questions, groupings and attributes."""

    @staticmethod
    def doe_democratie_2013() -> Instrument: ...
    @staticmethod
    def from_json(text: str) -> Instrument: ...
    @staticmethod
    def from_json_path(path: _StrPath) -> Instrument: ...
    def to_json(self) -> str: ...
    def save_json(self, path: _StrPath) -> None: ...
    @property
    def id(self) -> str: ...
    @property
    def title_nl(self) -> str: ...
    @property
    def title_en(self) -> str: ...
    def question_ids(self) -> list[str]: ...
    def columns(self) -> list[str]: ...
    def scale_ids(self) -> list[str]: ...
    def question(self, id: str) -> _Question: ...
    def scale(self, id: str) -> _Scale: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __reduce__(self) -> tuple[Callable[[str], Instrument], tuple[str]]: ...

@final
class Survey:
    """An instrument together with respondent data validated against it."""

    @staticmethod
    def from_csv(
        path: _StrPath,
        instrument: Instrument | None = None,
        *,
        strict: bool = True,
        delimiter: str | None = None,
    ) -> Survey: ...
    @staticmethod
    def from_json(
        path: _StrPath, instrument: Instrument | None = None, *, strict: bool = True
    ) -> Survey: ...
    @staticmethod
    def from_records(
        records: Iterable[Mapping[Any, Any]],
        instrument: Instrument | None = None,
        *,
        strict: bool = True,
    ) -> Survey: ...
    @staticmethod
    def from_dict(
        data: Mapping[Any, Iterable[Any]],
        instrument: Instrument | None = None,
        *,
        strict: bool = True,
    ) -> Survey: ...
    @staticmethod
    def from_pandas(
        df: Any, instrument: Instrument | None = None, *, strict: bool = True
    ) -> Survey: ...
    @property
    def n_respondents(self) -> int: ...
    @property
    def n_municipalities(self) -> int: ...
    @property
    def instrument(self) -> Instrument: ...
    @property
    def problems(self) -> list[Problem]: ...
    def item_summary(self) -> list[_ItemSummary]: ...
    def __len__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def _repr_html_(self) -> str: ...
    def __reduce__(self) -> tuple[Callable[[str], Survey], tuple[str]]: ...
