"""Bundled datasets.

.. warning::

   **Synthetic data.** The original microdata of the 2013 survey are not public.
   :func:`doe_democratie_2013` returns a *reconstruction*: 126 invented respondents in 98 invented
   municipalities (``R001`` … ``R098``, "Reconstructie 001" …), generated with a fixed seed so that
   aggregating them with the report's rules reproduces every number the 2013 report publishes.
   Use it to learn the library, test code and reproduce the report's tables — never read it as
   what any real municipality answered.
"""

from __future__ import annotations

from ._core import Survey, _dataset

__all__ = ["doe_democratie_2013"]


def doe_democratie_2013() -> Survey:
    """The SYNTHETIC reconstruction of the 2013 'doe-democratie' microdata as a :class:`Survey`.

    126 invented respondents in 98 invented municipalities, read against the built-in 2013
    instrument. Aggregated with the report's rules (``ReportSpec.doe_democratie_2013()``) it
    reproduces the published figures; the answers themselves are made up (see ``data/README.md``
    in the source repository). Each call returns a fresh, equal ``Survey``.
    """
    return _dataset("doe_democratie_2013")
