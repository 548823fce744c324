"""Reading a page's takeaway boxes and tables in AppTest: headline, details, loss rows."""

from __future__ import annotations

import pandas as pd

#: The icon of a takeaway's headline (``ui.frame.takeaway``).
LIGHTBULB = ":material/lightbulb:"


def headlines(at) -> list[str]:
    """Every takeaway headline on the page, in order."""
    return [i.value for i in at.info if i.proto.icon == LIGHTBULB]


def details(at) -> list[str]:
    """Every line folded under the takeaways ("Details and numbers")."""
    return [m.value for e in at.expander if e.label.startswith("Details") for m in e.markdown]


def text(at) -> str:
    """Headlines and details as one text (what a test reads whole)."""
    return " ".join(headlines(at) + details(at))


def losses_only(df: pd.DataFrame, column: str = "loss") -> pd.DataFrame:
    """A page table without its majority-class baseline row."""
    names = df.index if column is None else df[column]
    return df[~pd.Series(names, index=df.index).astype(str).str.startswith("baseline: ")]


def boxes(at) -> list[str]:
    """Each takeaway box's text (headline and its details), in page order; every box here has
    details, one "Details and numbers" expander each."""
    heads = headlines(at)
    folds = [
        " ".join(m.value for m in e.markdown) for e in at.expander if e.label.startswith("Details")
    ]
    assert len(heads) == len(folds), (heads, folds)
    return [f"{h} {d}" for h, d in zip(heads, folds, strict=True)]


def sentences(at) -> list[str]:
    """Each takeaway box's full sentence (its details: the headline summarises them)."""
    heads = headlines(at)
    folds = [
        " ".join(m.value for m in e.markdown) for e in at.expander if e.label.startswith("Details")
    ]
    assert len(heads) == len(folds), (heads, folds)
    return folds
