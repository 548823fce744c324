r"""A user's CSV file as a :class:`core.datasets.Dataset`: parse, check, split, standardise.

::

    table = tabular.read_csv("my_data.csv")           # or the file's bytes
    ds = tabular.to_dataset(table, target="species", features=["a", "b", "c"], view="pca")

Everything a student can upload is checked here, and every problem raises ``ValueError`` with a
sentence saying what is wrong and what is allowed (the app shows that sentence as it is):

* the file: at most :data:`MAX_BYTES`, UTF-8 text (a byte-order mark is fine), comma-separated
  (a semicolon- or tab-separated file is recognised and named), a header row with unique,
  non-empty names, every row with as many fields as the header;
* its size: :data:`MIN_ROWS` to :data:`MAX_ROWS` data rows, at most :data:`MAX_COLUMNS` columns;
* the chosen columns: numeric, finite features; missing values (an empty field or one of
  :data:`MISSING`) are counted and refused unless ``drop_missing=True``
  (:class:`MissingValuesError` carries the counts); a classification target with 2 to
  :data:`MAX_CLASSES` classes, each with at least 2 rows (one per split); a numeric regression
  target.

The split and the scaling are those of :func:`core.datasets.load`: a stratified (classification)
train/test split, features standardised on the training split, a regression target
standardised on the training split (``y_mean``, ``y_scale`` undo it). With ``view="pca"`` the
chosen features are first standardised over all rows and projected on their first two
principal components (unsupervised, so fitting it on all rows leaks no label into the test
split), as :func:`core.datasets.load` does for iris and wine:

.. math:: Z = U_{:, :2} S_{:2}, \qquad \tilde X = U S V^\top \ \text{(thin SVD of the centred,
   standardised features)}

Column names and class labels come from an untrusted file: they are kept as plain strings and
never interpreted here; whoever draws them must show them as plain text.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from core.datasets import (
    TASKS,
    Dataset,
    feature_scale,
    split_train_test,
    standardise_targets,
)

__all__ = [
    "MAX_BYTES",
    "MAX_CLASSES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MIN_ROWS",
    "MISSING",
    "MissingValuesError",
    "Table",
    "TabularDataset",
    "class_counts",
    "duplicates_across_split",
    "infer_task",
    "load_csv",
    "read_csv",
    "to_dataset",
]

#: Largest file accepted, in bytes (the app's ``server.maxUploadSize`` is the same 10 MB).
MAX_BYTES = 10 * 1024 * 1024
#: Fewest data rows: fewer cannot fill a training and a test split meaningfully.
MIN_ROWS = 20
#: Most data rows and columns: bounds the work one upload can start.
MAX_ROWS = 20_000
MAX_COLUMNS = 50
#: Most classes for a classification target (the class palette and legends stay readable).
MAX_CLASSES = 20
#: Field values read as "missing" (besides an empty field), compared after stripping spaces.
MISSING = frozenset({"", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "None", "?"})
VIEWS = ("features", "pca")


class MissingValuesError(ValueError):
    """Missing values in the chosen columns; ``n_cells`` values in ``n_rows`` rows."""

    def __init__(self, message: str, n_cells: int, n_rows: int, columns: tuple[str, ...]):
        super().__init__(message)
        self.n_cells = n_cells
        self.n_rows = n_rows
        self.columns = columns


@dataclass(frozen=True, eq=False)
class Table:
    """A parsed CSV: column names and their values (numbers where a column is all numbers,
    text otherwise; missing values are NaN).

    ``digest`` is the SHA-256 of the file's bytes: two uploads share cached results only
    when their contents are identical.
    """

    name: str
    columns: tuple[str, ...]
    frame: pd.DataFrame
    digest: str

    @property
    def n_rows(self) -> int:
        return len(self.frame)

    def numeric(self, column: str) -> NDArray[np.float64]:
        """``column`` as floats; missing values are NaN, text that is not a number too."""
        return _numbers(self.frame[column])

    def missing(self, column: str) -> NDArray[np.bool_]:
        """Which rows of ``column`` are missing (an empty field or one of :data:`MISSING`)."""
        return _missing(self.frame[column])

    def __repr__(self) -> str:
        return f"Table({self.n_rows} rows x {len(self.columns)} columns)"


@dataclass(frozen=True, eq=False, repr=False)
class TabularDataset(Dataset):
    """A :class:`~core.datasets.Dataset` from a CSV file, with its source columns and view.

    Its ``class_names`` are the target's value for each label ``0..K-1``.
    """

    #: the CSV columns the model's inputs come from (``feature_names`` are the inputs)
    source_columns: tuple[str, ...] = ()
    #: "features" (the chosen columns as inputs) or "pca" (their first two components)
    view: str = "features"


# --------------------------------------------------------------------------- reading


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _names(columns: Sequence[str], limit: int = 6) -> str:
    """Column names quoted for a message (the app shows messages as plain text)."""
    shown = ", ".join(repr(c) for c in list(columns)[:limit])
    more = len(columns) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def _decode(data: bytes) -> str:
    if not data.strip():
        raise ValueError("The file is empty: a CSV needs a header row and at least one data row.")
    if b"\x00" in data[:65536]:
        raise ValueError(
            "The file is not a text file (it contains NUL bytes): upload a comma-separated "
            "CSV saved as UTF-8 text, not a spreadsheet (.xlsx) or another binary file."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ValueError(
            f"The file is not UTF-8 text (byte 0x{data[err.start]:02x} on line {line} is not "
            "valid UTF-8): save it as 'CSV UTF-8' (Excel) or with UTF-8 encoding."
        ) from None


def _check_delimiter(header: str) -> None:
    for sep, word in ((";", "semicolon"), ("\t", "tab")):
        if "," not in header and sep in header:
            raise ValueError(
                f"The file looks {word}-separated (the header has {word}s and no commas): "
                "Loss Lab reads comma-separated files; save it as CSV with commas, and a dot "
                "as the decimal separator."
            )


def _header(text: str) -> tuple[str, ...]:
    first = next(csv.reader(io.StringIO(text)), [])
    names = tuple(c.strip() for c in first)
    if len(names) < 2:
        _check_delimiter(text.splitlines()[0] if text.splitlines() else "")
        raise ValueError(
            f"The header row has {_plural(len(names), 'column')}: a CSV for Loss Lab needs a "
            "target column and at least one feature column, separated by commas."
        )
    _check_delimiter(text.splitlines()[0])
    empty = [i + 1 for i, c in enumerate(names) if not c]
    if empty:
        raise ValueError(
            f"The header has empty column name(s) at position(s) {', '.join(map(str, empty))}: "
            "every column needs a name."
        )
    seen: dict[str, int] = {}
    for c in names:
        seen[c] = seen.get(c, 0) + 1
    dup = [c for c, k in seen.items() if k > 1]
    if dup:
        raise ValueError(
            f"The header repeats column name(s) {_names(dup)}: every column needs a unique name."
        )
    if len(names) > MAX_COLUMNS:
        raise ValueError(
            f"The file has {len(names)} columns; Loss Lab takes at most {MAX_COLUMNS} columns "
            f"and {MAX_ROWS:,} rows. Keep the target and the features you want to compare on."
        )
    return names


def read_csv(source: bytes | str | os.PathLike, name: str | None = None) -> Table:
    """Parse a comma-separated file (its bytes or its path) into a :class:`Table`.

    Parameters
    ----------
    source
        The file's bytes, or a path to it.
    name
        The file name to remember (default: the path's base name, or ``"upload.csv"``).

    Raises
    ------
    ValueError
        For a file that is too large, empty, binary, not UTF-8, not comma-separated, has a bad
        header (fewer than two, empty or repeated names, more than :data:`MAX_COLUMNS`), rows
        with the wrong number of fields, no data rows or more than :data:`MAX_ROWS`.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        name = name or "upload.csv"
    elif isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise ValueError(_too_large(size))
        with open(path, "rb") as f:
            data = f.read()
        name = name or os.path.basename(path)
    else:
        raise ValueError(f"source must be bytes or a path, got {type(source).__name__}")
    if len(data) > MAX_BYTES:
        raise ValueError(_too_large(len(data)))
    text = _decode(data)
    columns = _header(text)
    try:
        # pandas' C parser turns numeric columns into floats at once (20 000 x 50 in well
        # under a second); columns with any text stay text and are checked below. Only the
        # MISSING tokens are missing values (not pandas' longer default list).
        frame = pd.read_csv(
            io.StringIO(text),
            header=0,
            names=list(range(len(columns))),
            na_values=sorted(MISSING),
            keep_default_na=False,
            skip_blank_lines=True,
            nrows=MAX_ROWS + 1,
            low_memory=False,
            engine="c",
        )
    except pd.errors.ParserError as err:
        raise ValueError(_ragged(str(err), len(columns))) from None
    except (pd.errors.EmptyDataError, StopIteration):
        frame = pd.DataFrame(columns=list(range(len(columns))), dtype=str)
    if len(frame) == 0:
        raise ValueError(
            "The file has a header row but no data rows: add at least "
            f"{MIN_ROWS} rows of data below the header."
        )
    if len(frame) > MAX_ROWS:
        raise ValueError(
            f"The file has more than {MAX_ROWS:,} data rows; Loss Lab takes at most "
            f"{MAX_ROWS:,} rows and {MAX_COLUMNS} columns. Upload a random sample of your rows."
        )
    frame.columns = list(columns)
    return Table(name=name, columns=columns, frame=frame, digest=hashlib.sha256(data).hexdigest())


def _too_large(size: int) -> str:
    return (
        f"The file is {size / 2**20:.1f} MB; Loss Lab takes files up to "
        f"{MAX_BYTES // 2**20} MB ({MAX_ROWS:,} rows and {MAX_COLUMNS} columns at most)."
    )


def _ragged(message: str, n_columns: int) -> str:
    # pandas says e.g. "Error tokenizing data. C error: Expected 3 fields in line 5, saw 4"
    detail = message.split("C error: ")[-1].strip().rstrip(".")
    return (
        f"A row has more fields than the header's {n_columns} columns ({detail}; the header is "
        "line 1): check for unquoted commas inside values or a missing header name."
    )


def _is_number(col: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)


def _text(col: pd.Series) -> pd.Series:
    """A text column's values stripped of surrounding spaces (missing ones stay NaN)."""
    return col.astype("string").str.strip()


def _numbers(col: pd.Series) -> NDArray[np.float64]:
    if _is_number(col) or pd.api.types.is_bool_dtype(col):
        return col.to_numpy(dtype=np.float64, na_value=np.nan)
    text = _text(col)
    out = pd.to_numeric(text.where(~text.isin(MISSING)), errors="coerce")
    return np.asarray(out.astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan))


def _missing(col: pd.Series) -> NDArray[np.bool_]:
    if _is_number(col):
        return np.asarray(col.isna())
    # spaces around a missing token ("  NA") are missing too
    return np.asarray(col.isna() | _text(col).isin(MISSING).fillna(False).astype(bool))


# --------------------------------------------------------------------------- task and labels


def infer_task(table: Table, target: str) -> str:
    """``"classification"`` unless the target is numeric with more than :data:`MAX_CLASSES`
    distinct values or any non-integer value (then ``"regression"``); missing values ignored."""
    _column(table, target, "target")
    present = table.frame[target][~_missing(table.frame[target])]
    y = _numbers(present)
    if len(y) == 0 or np.isnan(y).any():
        return "classification"  # text labels (or nothing yet to judge by)
    if np.all(y == np.round(y)) and len(np.unique(y)) <= MAX_CLASSES:
        return "classification"
    return "regression"


def _column(table: Table, column: str, role: str) -> None:
    if column not in table.columns:
        raise ValueError(
            f"{role} {column!r} is not a column of the file; its columns are "
            f"{_names(table.columns)}"
        )


def _class_labels(values: pd.Series) -> tuple[NDArray[np.intp], tuple[str, ...]]:
    """Integer labels and their names, numeric targets in numeric order, text ones sorted."""
    nums = _numbers(values)
    if not pd.api.types.is_bool_dtype(values) and not np.isnan(nums).any():
        uniq, labels = np.unique(nums, return_inverse=True)
        names = tuple(f"{u:g}" if u != int(u) else str(int(u)) for u in uniq)
    else:
        text = values.astype(str) if pd.api.types.is_bool_dtype(values) else _text(values)
        uniq, labels = np.unique(np.asarray(text, dtype=str), return_inverse=True)
        names = tuple(str(u) for u in uniq)
    return labels.astype(np.intp), names


# --------------------------------------------------------------------------- dataset


def to_dataset(
    table: Table,
    *,
    target: str,
    features: Sequence[str] | None = None,
    task: str | None = None,
    view: str = "features",
    drop_missing: bool = False,
    test_fraction: float = 0.3,
    seed: int = 0,
) -> TabularDataset:
    """Split and standardise the chosen columns of ``table`` (see the module docstring).

    Parameters
    ----------
    target
        The column to predict.
    features
        The input columns (default: every other column). Each must be numeric.
    task
        ``"classification"`` or ``"regression"``; ``None`` infers it (:func:`infer_task`).
    view
        ``"features"``: the chosen columns are the inputs; ``"pca"``: their first two
        principal components are (needs at least two features).
    drop_missing
        Drop the rows with a missing value in the chosen columns instead of refusing them.
    test_fraction, seed
        As in :func:`core.datasets.load`: the share of rows held out, the split's seed.
    """
    _column(table, target, "target")
    if features is None:
        features = [c for c in table.columns if c != target]
    features = list(features)
    if not features:
        raise ValueError("features: choose at least one feature column besides the target")
    for c in features:
        _column(table, c, "feature")
    if target in features:
        raise ValueError(f"features: the target {target!r} cannot also be a feature")
    if len(set(features)) != len(features):
        raise ValueError("features: each column may be chosen once")
    if task is None:
        task = infer_task(table, target)
    if task not in TASKS:
        raise ValueError(f"task must be one of {list(TASKS)} or None, got {task!r}")
    if view not in VIEWS:
        raise ValueError(f"view must be one of {list(VIEWS)}, got {view!r}")
    if view == "pca" and len(features) < 2:
        raise ValueError("view='pca' needs at least two features")
    if not (isinstance(test_fraction, int | float) and 0.05 <= test_fraction <= 0.9):
        raise ValueError(f"test_fraction must be a number in [0.05, 0.9], got {test_fraction!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed < 2**31:
        raise ValueError(f"seed must be an integer in [0, 2**31 - 1], got {seed!r}")

    frame = table.frame
    # Non-numeric features first: a text column is a wrong choice, not missing data.
    bad = []
    for c in features:
        col = frame[c]
        if np.isnan(_numbers(col)[~_missing(col)]).any():
            bad.append(c)
    if bad:
        raise ValueError(
            f"Feature column(s) {_names(bad)} are not numeric (they hold text): choose numeric "
            "features only, or encode the text as numbers before uploading."
        )
    if task == "regression" and np.isnan(_numbers(frame[target])[~_missing(frame[target])]).any():
        raise ValueError(
            f"The target {target!r} holds text, so it cannot be a regression target: choose "
            "classification, or a numeric target."
        )
    chosen = [target, *features]
    miss = np.column_stack([_missing(frame[c]) for c in chosen])
    if miss.any():
        rows = miss.any(axis=1)
        cols = tuple(c for c, m in zip(chosen, miss.any(axis=0), strict=True) if m)
        if not drop_missing:
            raise MissingValuesError(
                f"{_plural(int(miss.sum()), 'missing value')} in {_plural(int(rows.sum()), 'row')} "
                f"(column(s) {_names(cols)}): drop those rows or fill the values in.",
                int(miss.sum()),
                int(rows.sum()),
                cols,
            )
        frame = frame.loc[~rows]
    n = len(frame)
    if n < MIN_ROWS:
        left = " after dropping the rows with missing values" if drop_missing and miss.any() else ""
        raise ValueError(
            f"The data have {_plural(n, 'row')}{left}; Loss Lab needs at least {MIN_ROWS} "
            "rows to hold out a test split."
        )
    X = np.column_stack([_numbers(frame[c]) for c in features])
    if not np.isfinite(X).all():
        inf = [c for c, ok in zip(features, np.isfinite(X).all(axis=0), strict=True) if not ok]
        raise ValueError(
            f"Feature column(s) {_names(inf)} hold infinite values: use finite numbers."
        )
    y_text = frame[target]
    class_names: tuple[str, ...] = ()
    if task == "classification":
        y, class_names = _class_labels(y_text)
        k = len(class_names)
        if k < 2:
            raise ValueError(
                f"The target {target!r} has a single class ({class_names[0]!r}): "
                "classification needs at least 2 classes."
            )
        if k > MAX_CLASSES:
            raise ValueError(
                f"The target {target!r} has {k} classes; Loss Lab shows at most {MAX_CLASSES}. "
                "If it is a number to predict, choose the task 'regression'."
            )
        counts = np.bincount(y, minlength=k)
        if counts.min() < 2:
            lonely = [class_names[i] for i in np.flatnonzero(counts < 2)]
            raise ValueError(
                f"Class(es) {_names(lonely)} of the target {target!r} have a single row: each "
                "class needs at least 2 rows (one for training, one for testing)."
            )
    else:
        y = _numbers(y_text)
        if not np.isfinite(y).all():
            raise ValueError(f"The target {target!r} holds infinite values: use finite numbers.")
    if view == "pca":
        X, names = _pca2(X, features), ("PC1", "PC2")
    else:
        names = tuple(features)
    return _split(
        X,
        y,
        task,
        class_names,
        names,
        tuple(features),
        view,
        table,
        target,
        test_fraction=float(test_fraction),
        seed=int(seed),
    )


def _pca2(X: NDArray[np.float64], features: Sequence[str]) -> NDArray[np.float64]:
    r"""First two principal components of the standardised columns.

    From the eigenvectors of the :math:`d \times d` matrix :math:`\tilde X^\top \tilde X`
    (the right singular vectors :math:`V`, so :math:`\tilde X V = U S`), which is much
    cheaper than an SVD of all rows; signs as scikit-learn's ``svd_flip``: the largest loading
    of each component positive, so the view is stable.
    """
    sd = X.std(axis=0)
    Z = (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    _, vecs = np.linalg.eigh(Z.T @ Z)
    V = vecs[:, ::-1][:, :2]  # eigh sorts ascending
    sign = np.sign(V[np.argmax(np.abs(V), axis=0), [0, 1]])
    sign[sign == 0] = 1.0
    return Z @ (V * sign)


def _split(X, y, task, class_names, names, columns, view, table, target, *, test_fraction, seed):
    n = len(y)
    classification = task == "classification"
    n_test = math.ceil(test_fraction * n)
    k = len(class_names)
    if classification and min(n_test, n - n_test) < k:
        raise ValueError(
            f"test_fraction={test_fraction:g} with {n} rows leaves {n_test} test / "
            f"{n - n_test} training rows; each split needs at least one row per class ({k})."
        )
    X_tr, X_te, y_tr, y_te = split_train_test(X, y, task, n_test, seed)
    # Scale by the largest magnitude first so that huge values do not overflow the variance.
    big = np.max(np.abs(X_tr), axis=0)
    big = np.where(big > 0, big, 1.0)
    mu, sd = feature_scale(X_tr / big)
    y_mean, y_scale = 0.0, 1.0
    if not classification:
        what = f"The target {target!r}"
        y_tr, y_te, y_mean, y_scale = standardise_targets(y_tr, y_te, what)
    ds = TabularDataset(
        name="upload",
        task=task,
        X_train=_frozen((X_tr / big - mu) / sd),
        y_train=_frozen(y_tr),
        X_test=_frozen((X_te / big - mu) / sd),
        y_test=_frozen(y_te),
        n_classes=k,
        params={"test_fraction": test_fraction, "seed": seed},
        feature_names=tuple(names),
        y_mean=y_mean,
        y_scale=y_scale,
        # No file or column name in the title: pages put it into markdown captions.
        title=_title(task, k, len(columns), view),
        class_names=class_names,
        source_columns=columns,
        view=view,
    )
    return ds


def _title(task: str, k: int, n_features: int, view: str) -> str:
    what = f"{k} classes" if task == "classification" else "regression"
    if view == "pca":
        return f"Your CSV ({what}; first 2 principal components of {n_features} features)"
    return f"Your CSV ({what}, {_plural(n_features, 'feature')})"


def _frozen(a: NDArray) -> NDArray:
    a = np.array(a)
    a.flags.writeable = False
    return a


def class_counts(ds: Dataset) -> list[tuple[int, int]]:
    """Rows per class in the training and the test split: ``[(n_train, n_test)]`` for labels
    ``0..K-1`` (the class balance, from which the majority-class baseline follows)."""
    k = int(ds.n_classes)
    tr = np.bincount(np.asarray(ds.y_train, dtype=np.intp), minlength=k)
    te = np.bincount(np.asarray(ds.y_test, dtype=np.intp), minlength=k)
    return [(int(a), int(b)) for a, b in zip(tr, te, strict=True)]


def duplicates_across_split(ds: Dataset) -> int:
    """How many test rows have exactly the inputs of some training row (the same CSV row
    repeated on both sides of the split): a model can score on them by memory alone."""
    X_tr = np.ascontiguousarray(ds.X_train)
    X_te = np.ascontiguousarray(ds.X_test)
    if X_tr.size == 0 or X_te.size == 0:
        return 0
    seen = {row.tobytes() for row in X_tr}
    return int(sum(row.tobytes() in seen for row in X_te))


def load_csv(source: bytes | str | os.PathLike, **options: Any) -> TabularDataset:
    """:func:`read_csv` then :func:`to_dataset` with ``options``: one call for a script::

    ds = tabular.load_csv("my_data.csv", target="label", features=["x1", "x2"], seed=0)
    """
    return to_dataset(read_csv(source), **options)
