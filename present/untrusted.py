r"""Text from outside the app — a link, an uploaded file, an exception's message — made safe
wherever the app shows it or writes it.

Streamlit draws the body of ``st.markdown``, ``st.caption``, ``st.error``/``warning``/``info``
and of widget labels and tooltips as GitHub-flavoured markdown with its own additions
(``:material/icon:``, ``:red[...]``, ``$\LaTeX$``). A value from a link or a file put there as
it is could draw a link or a button ("Sign in again"), make every browser that opens the link
fetch a remote image, or break out of a code span. Every such value goes through this module:

:func:`markdown`
    The text shown literally inside markdown: every ASCII punctuation character
    backslash-escaped (CommonMark lets any of them be escaped, so no emphasis, link, image,
    HTML tag, code span, directive, icon or formula can form), and the three autolink
    literals of GitHub-flavoured markdown (``scheme://``, ``www.``, ``user@host``) broken by
    an invisible word joiner (U+2060): the renderer turns a bare URL into a link *after*
    resolving the escapes, so escaping alone does not stop it.
:func:`code`
    The text as one inline code span, its fence longer than any run of backticks inside
    (CommonMark's rule), so nothing inside is interpreted and nothing escapes the span.
:func:`short`
    One line, at most :data:`LIMIT` characters, with the full length said: a 10,000-character
    link value must not make a 60 kB notice.
:func:`spreadsheet_safe`, :func:`csv_text`
    A table for a CSV download with every text cell a spreadsheet would evaluate as a formula
    (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) prefixed with a
    single quote (OWASP's rule for CSV injection); numbers stay numbers. The CSV ends its rows
    with CR LF (RFC 4180), so a cell holding a line break is quoted and cannot start a row
    of its own.

Plain-text surfaces need none of this: widget options, ``st.dataframe`` cells, ``st.code``,
chart text (Vega draws it as SVG or canvas text) and the player (``textContent``).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

__all__ = ["FORMULA_START", "LIMIT", "code", "csv_text", "markdown", "short", "spreadsheet_safe"]

#: Characters of one value shown before it is shortened.
LIMIT = 80
#: What a value longer than the limit ends with.
ELLIPSIS = "…"
#: The first characters of a spreadsheet formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
_WORD_JOINER = "\u2060"
#: Where GitHub-flavoured markdown starts an autolink literal: after ``://``, at ``www.``,
#: after the ``@`` of an e-mail address.
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?i:(?<=www)(?=\.))|(?<=@)")
_BACKTICKS = re.compile(r"`+")
#: A decimal number: harmless in a spreadsheet however it starts (``-1``, ``+2.5e3``).
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def short(value: object, limit: int = LIMIT) -> str:
    """``value`` as one line (every run of whitespace one space), cut after ``limit``
    characters with its length said: ``abc… (10,000 characters)``."""
    text = " ".join(str(value).split())
    if len(text) <= limit:
        return text
    return f"{text[:limit]}{ELLIPSIS} ({len(text):,} characters)"


def markdown(value: object, limit: int | None = None) -> str:
    """``value`` (shortened to ``limit`` characters, if given) to be shown literally inside a
    Streamlit markdown body: punctuation escaped, autolink literals broken (module text)."""
    text = short(value, limit) if limit is not None else " ".join(str(value).split())
    return _PUNCTUATION.sub(r"\\\1", _AUTOLINK.sub(_WORD_JOINER, text))


def code(value: object, limit: int = LIMIT) -> str:
    """``value`` (shortened to ``limit`` characters) as one markdown code span.

    The fence is one backtick longer than the longest run of backticks in the text, and a
    text that starts or ends with a backtick or a space is padded with one space each side
    (which CommonMark strips), so the span shows exactly the text.
    """
    text = short(value, limit) or " "
    runs = [len(m) for m in _BACKTICKS.findall(text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names a spreadsheet would not evaluate:
    each one starting with one of :data:`FORMULA_START` gets a leading single quote, unless it
    is a plain decimal number (``-1.5`` is no formula). Numeric columns are left as they are."""
    out = df.rename(columns=_cell)
    for column in out.columns[out.dtypes.eq(object) | out.dtypes.map(_is_text)]:
        out[column] = out[column].map(_cell)
    return out


def _is_text(dtype: Any) -> bool:
    return isinstance(dtype, pd.StringDtype | pd.CategoricalDtype)


def csv_text(df: pd.DataFrame) -> str:
    """``df`` as the CSV a student downloads: :func:`spreadsheet_safe`, no index, rows ended
    with CR LF, so every cell holding a CR or an LF is quoted (Python's ``csv`` quotes a field
    holding a character of the line terminator)."""
    return spreadsheet_safe(df).to_csv(index=False, lineterminator="\r\n")
