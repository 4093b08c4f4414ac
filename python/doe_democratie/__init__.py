"""Survey ontology and validated ingestion for surveys among Dutch municipalities.

The 2013 BZK 'doe-democratie' instrument is built in::

    import doe_democratie as dd
    survey = dd.Survey.from_csv("antwoorden.csv")          # strict: first problem raises
    survey = dd.Survey.from_pandas(df, strict=False)       # lenient: see survey.problems

All classes are implemented in Rust (``doe_democratie._core``); this package only re-exports them.
"""

from ._core import (
    DoeDemocratieError,
    Instrument,
    InstrumentError,
    InvalidArgumentError,
    Problem,
    Survey,
    UnknownIdError,
    ValidationError,
    __version__,
)

__all__ = [
    "DoeDemocratieError",
    "Instrument",
    "InstrumentError",
    "InvalidArgumentError",
    "Problem",
    "Survey",
    "UnknownIdError",
    "ValidationError",
    "__version__",
]
