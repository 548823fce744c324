"""A student's own CSV on the comparison pages: uploader, target/feature pickers, messages.

Usage (a page swaps one call)::

    data = upload.dataset_controls(controls.datasets_2d(), default="moons", dims=2)

draws a "Data" switch (built-in / your CSV). Built-in: exactly :func:`ui.controls.dataset_picker`
(same widgets, URL keys and return value). Your CSV: the uploader, then pickers for the target,
the task (inferred, overridable) and the features, and returns an :class:`UploadChoice` that
behaves like a :class:`core.experiment.DataChoice` (``name``, ``params``, ``kwargs``, ``load()``),
so cached page functions take it unchanged. Until the file is usable the page is stopped
under a message saying what is wrong (never a traceback).

Privacy: the file lives in this session's ``st.session_state`` only (so it survives moving
between the comparison pages) and is never written to disk. Cached results are keyed by the
file's content, so two students share a result only for byte-identical files.

Untrusted text: column names, class labels and the file name come from the user. They are
shown in widgets' options, tables and charts (plain text) or through
:func:`present.untrusted.markdown` in markdown elements (``st.error``, ``st.caption`` ...), never in
a label, and never as HTML.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from core import tabular
from core.experiment import DataChoice
from core.tabular import TabularDataset
from present import evidence, untrusted
from ui import controls

#: The choices of the data switch.
BUILT_IN, OWN = "Built-in", "Your CSV"
#: Session-state key of the uploaded file (shared by every page of the session).
STORE = "upload_file"
#: Names that suggest a target column, in order of preference.
TARGET_NAMES = ("target", "label", "labels", "class", "y", "species", "outcome")

# --------------------------------------------------------------------------- the choice


@dataclass(frozen=True)
class UploadChoice:
    """An uploaded CSV and how to read it; hashable, keys ``st.cache_data`` by content.

    ``params`` holds ``seed`` and ``test_fraction`` the way :class:`core.experiment.DataChoice`
    does, so ``dataclasses.replace(choice, params=...)`` changes the split seed for both.
    """

    content: bytes = dataclasses.field(repr=False)
    filename: str
    target: str
    features: tuple[str, ...]
    task: str
    view: str = "features"
    drop_missing: bool = False
    params: tuple[tuple[str, Any], ...] = (("seed", 0), ("test_fraction", 0.3))
    name: str = "upload"

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.params)

    @property
    def options(self) -> dict[str, Any]:
        """Keyword arguments of :func:`core.tabular.to_dataset` (and ``load_csv``)."""
        return {
            "target": self.target,
            "features": list(self.features),
            "task": self.task,
            "view": self.view,
            "drop_missing": self.drop_missing,
            "test_fraction": float(self.kwargs.get("test_fraction", 0.3)),
            "seed": int(self.kwargs.get("seed", 0)),
        }

    def load(self) -> TabularDataset:
        """The dataset (cached by content and options); ``ValueError`` if it cannot be built."""
        out = _load(self)
        if isinstance(out, str):
            raise ValueError(out)
        return out


@st.cache_data(max_entries=4, show_spinner="Reading your CSV…")
def _table(content: bytes, filename: str) -> tabular.Table | str:
    """The parsed file or the sentence saying why it cannot be read (errors are not cached
    by Streamlit, so they are returned)."""
    try:
        return tabular.read_csv(content, name=filename)
    except ValueError as err:
        return str(err)


@st.cache_data(max_entries=8, show_spinner=False)
def _load(choice: UploadChoice) -> TabularDataset | str:
    table = _table(choice.content, choice.filename)
    if isinstance(table, str):
        return table
    try:
        return tabular.to_dataset(table, **choice.options)
    except tabular.MissingValuesError as err:
        return f"missing:{err.n_cells}:{err.n_rows}:{err}"
    except ValueError as err:
        return str(err)


@st.cache_data(max_entries=8, show_spinner=False)
def _profile(content: bytes, filename: str) -> dict[str, Any]:
    """Per column: numeric or not, the inferred task as a target, missing values."""
    table = _table(content, filename)
    assert not isinstance(table, str)
    out: dict[str, Any] = {
        "rows": table.n_rows,
        "columns": table.columns,
        "numeric": [],
        "task": {},
        "missing": {},
    }
    for c in table.columns:
        missing = table.missing(c)
        values = table.numeric(c)
        if not np.isnan(values[~missing]).any():
            out["numeric"].append(c)
        out["task"][c] = tabular.infer_task(table, c)
        out["missing"][c] = int(missing.sum())
    return out


# --------------------------------------------------------------------------- widgets


def _store_upload(key: str) -> None:
    f = st.session_state.get(key)
    if f is None:
        st.session_state.pop(STORE, None)
    else:
        st.session_state[STORE] = {"name": f.name, "data": f.getvalue()}


def _forget_dataset(key: str, dataset_key: str, resets: Mapping[str, Any]) -> None:
    """Switching to the CSV: drop the built-in picker's state, so that a later preset setting
    it is recognised (see :func:`dataset_controls`). Either way, the data's corruption
    settings (``resets``: key -> default) start again from their defaults, and say so: label
    flips chosen for other data are not silently applied to these."""
    if st.session_state.get(key) == OWN:
        st.session_state.pop(dataset_key, None)
    changed = [k for k, v in resets.items() if st.session_state.get(k, v) != v]
    for k, v in resets.items():
        st.session_state[k] = v
    if changed:
        st.toast("New data: its corruption settings start again from their defaults.")


def _default_target(columns: Sequence[str]) -> str:
    lower = {c.lower(): c for c in columns}
    for n in TARGET_NAMES:
        if n in lower:
            return lower[n]
    return columns[-1]


def dataset_controls(
    names: Sequence[str],
    *,
    default: str,
    prefix: str = "",
    skip: Sequence[str] = (),
    container: Any = None,
    dims: int | None = None,
    tasks: Sequence[str] = ("classification",),
    defaults: Any = None,
    resets: Mapping[str, Any] | None = None,
) -> DataChoice | UploadChoice:
    """Built-in datasets (:func:`ui.controls.dataset_picker`) or the student's CSV.

    Parameters
    ----------
    names, default, prefix, skip, container
        As for :func:`ui.controls.dataset_picker` (built-in data); ``container``
        is where to draw (default: the sidebar).
    dims
        How many inputs the page can draw: ``2`` (a plane: two chosen columns or the first
        two principal components), ``1`` (one column against the target) or ``None`` (all
        chosen features).
    tasks
        The tasks the page compares; another task gets a message and stops the page.
    defaults
        The page's declared defaults, for the built-in picker (see
        :func:`ui.controls.dataset_picker`).
    resets
        The data's corruption controls (label flips, outliers) and their defaults: switching
        between built-in data and the CSV sets them back.
    """
    box = container if container is not None else st.sidebar
    key, dataset_key = f"{prefix}source", f"{prefix}dataset"
    if st.session_state.get(key) == OWN and dataset_key in st.session_state:
        # The dataset picker is not drawn while the CSV is shown, so its key can only have
        # been set by a lecture preset (which sets or resets every bound control): it asks for
        # built-in data, and gets it.
        st.session_state[key] = BUILT_IN
    source = box.segmented_control(
        "Data",
        [BUILT_IN, OWN],
        default=BUILT_IN,
        key=key,
        on_change=_forget_dataset,
        args=(key, dataset_key, dict(resets or {})),
        help="Your CSV stays in this browser session only.",
    )
    if source != OWN:
        return controls.dataset_picker(
            box, names, default=default, prefix=prefix, skip=skip, defaults=defaults
        )
    choice = _csv_controls(box, prefix, dims, tuple(tasks))
    if choice is None:
        st.stop()
    return choice


def _csv_controls(
    box: Any, prefix: str, dims: int | None, tasks: tuple[str, ...]
) -> UploadChoice | None:
    key = f"{prefix}upload_widget"
    box.file_uploader(
        f"CSV file (comma-separated, UTF-8, header row; up to {tabular.MAX_BYTES // 2**20} MB, "
        f"{tabular.MAX_ROWS:,} rows, {tabular.MAX_COLUMNS} columns)",
        type=["csv", "txt", "tsv"],
        key=key,
        on_change=_store_upload,
        args=(key,),
    )
    stored = st.session_state.get(STORE)
    if not stored:
        st.info(
            "Upload a CSV file in the sidebar: one row per example, a header row naming the "
            "columns, numeric feature columns and a target column (class names or numbers). "
            "The file stays in your browser session; nobody else sees it.",
            icon=":material/upload_file:",
        )
        return None
    content, filename = stored["data"], stored["name"]
    box.caption(f"File: {untrusted.markdown(filename)}")
    table = _table(content, filename)
    if isinstance(table, str):
        st.error(untrusted.markdown(table), icon=":material/error:")
        return None
    prof = _profile(content, filename)
    columns = list(prof["columns"])
    h = table.digest[:12]  # widget keys per file: a new file starts from its own defaults

    target = box.selectbox(
        "Target column",
        columns,
        index=columns.index(_default_target(columns)),
        key=f"{prefix}up_target_{h}",
    )
    inferred = prof["task"][target]
    task_options = list(tabular.TASKS)
    task = box.radio(
        "Task",
        task_options,
        index=task_options.index(inferred),
        horizontal=True,
        key=f"{prefix}up_task_{h}_{columns.index(target)}",
        help="Inferred from the target: classification for text labels or up to "
        f"{tabular.MAX_CLASSES} distinct whole numbers, regression otherwise.",
    )
    numeric = [c for c in prof["numeric"] if c != target]
    others = [c for c in columns if c != target]
    text = [c for c in others if c not in numeric]
    if text:
        st.info(
            f"Column(s) {untrusted.markdown(', '.join(repr(c) for c in text))} are not numeric "
            "(they hold text), so they are not chosen as features; encode them as numbers to "
            "use them.",
            icon=":material/info:",
        )
    if dims is not None and len(others) < dims:
        st.warning(
            f"This view draws {'a plane' if dims == 2 else 'a line'}, so it needs "
            f"{dims} feature columns besides the target; the file has {len(others)}.",
            icon=":material/info:",
        )
        return None
    ranked = numeric + text  # numeric columns first as defaults
    view = "features"
    if dims == 2:
        view_label = box.radio(
            "2-D view",
            ["First two principal components", "Two columns"],
            key=f"{prefix}up_view_{h}",
            help="The models train on this plane, so the boundary drawn is the whole boundary "
            "of a model that sees only these two inputs.",
        )
        if view_label == "Two columns" or len(others) == 2:
            c1, c2 = box.columns(2)
            x1 = c1.selectbox("x₁", others, index=others.index(ranked[0]), key=f"{prefix}up_x1_{h}")
            rest = [c for c in others if c != x1]
            x2_default = next(c for c in ranked if c != x1)
            x2 = c2.selectbox("x₂", rest, index=rest.index(x2_default), key=f"{prefix}up_x2_{h}")
            features = [x1, x2]
        else:
            view = "pca"
            features = box.multiselect(
                "Features to project",
                others,
                default=numeric,
                key=f"{prefix}up_features_{h}",
            )
    elif dims == 1:
        x = box.selectbox(
            "Feature (x axis)", others, index=others.index(ranked[0]), key=f"{prefix}up_x_{h}"
        )
        features = [x]
    else:
        features = box.multiselect(
            "Features", others, default=numeric, key=f"{prefix}up_features_{h}"
        )
    with box.expander("Data split and seed"):
        test_fraction = st.slider(
            "Test fraction", 0.05, 0.9, 0.3, step=0.05, key=f"{prefix}up_test_{h}"
        )
        seed = st.number_input(
            "Seed",
            min_value=0,
            max_value=controls.MAX_SEED,
            value=0,
            step=1,
            key=f"{prefix}up_seed_{h}",
            help="random seed of the train/test split",
        )
    missing = sum(prof["missing"][c] for c in [target, *features])
    drop = False
    if missing:
        drop = box.checkbox(
            "Drop rows with missing values", value=False, key=f"{prefix}up_drop_{h}"
        )

    if task not in tasks:
        other = {
            "regression": "Outlier robustness (task: regression)",
            "classification": "Decision boundaries, Training curves or Outlier robustness "
            "(task: classification)",
        }[task]
        st.warning(
            f"This view compares {' and '.join(tasks)} losses, and the target is set to "
            f"{task}. Choose another target or task in the sidebar, or open {other}.",
            icon=":material/info:",
        )
        return None
    if not features:
        st.warning("Choose at least one feature column in the sidebar.", icon=":material/info:")
        return None
    if view == "pca" and len(features) < 2:
        st.warning(
            "Choose at least two features to project on their first two principal "
            "components, or switch the 2-D view to two columns.",
            icon=":material/info:",
        )
        return None
    choice = UploadChoice(
        content=content,
        filename=filename,
        target=target,
        features=tuple(features),
        task=task,
        view=view,
        drop_missing=drop,
        params=(("seed", int(seed)), ("test_fraction", float(test_fraction))),
    )
    out = _load(choice)
    if isinstance(out, str):
        if out.startswith("missing:"):
            _, _cells, rows, message = out.split(":", 3)
            st.warning(
                f"{untrusted.markdown(message)} Tick **Drop rows with missing values** in the "
                f"sidebar to leave out those {int(rows):,} rows.",
                icon=":material/warning:",
            )
        else:
            st.error(untrusted.markdown(out), icon=":material/error:")
        return None
    describe(out, choice)
    return choice


def describe(ds: TabularDataset, choice: UploadChoice) -> None:
    """What the models see: rows, split, target and classes, and the 2-D view (if any)."""
    parts = [
        f"**Your CSV** ({untrusted.markdown(choice.filename)}): {len(ds.y_train):,} training / "
        f"{len(ds.y_test):,} test rows; target {untrusted.markdown(choice.target)} ({ds.task}"
    ]
    if ds.task == "classification":
        parts.append(f", {ds.n_classes} classes: {untrusted.markdown(', '.join(ds.class_names))})")
    else:
        parts.append(", standardised on the training split)")
    if ds.view == "pca":
        parts.append(
            f". Inputs: the first two principal components of {len(choice.features)} features "
            f"({untrusted.markdown(', '.join(choice.features))}): a projection, so the models "
            "see only this plane and the boundary drawn is theirs on it, not one in the full "
            "feature space."
        )
    elif len(choice.features) == 2:
        parts.append(
            f". Inputs: the two columns {untrusted.markdown(choice.features[0])} (x₁) and "
            f"{untrusted.markdown(choice.features[1])} (x₂) only; the other columns are left "
            "out, so the boundary is that of a model trained on this plane."
        )
    else:
        parts.append(
            f". Inputs: {len(choice.features)} feature(s) "
            f"({untrusted.markdown(', '.join(choice.features))})."
        )
    st.caption("".join(parts))
    for line in balance_notes(ds):
        st.caption(line)
    repeated = duplicates_note(ds)
    if repeated:
        st.warning(repeated, icon=":material/content_copy:")


def balance_notes(ds: TabularDataset) -> list[str]:
    """The class balance of an uploaded classification target (rows per class in each split)
    and the majority-class baseline every accuracy stands beside."""
    base = evidence.baseline(ds)
    if base is None:
        return []
    counts = tabular.class_counts(ds)
    names = class_names(ds)
    listed = ", ".join(
        f"{untrusted.markdown(n)} {a:,}/{b:,}" for n, (a, b) in zip(names, counts, strict=True)
    )
    return [
        f"Class balance (training/test rows): {listed}. Always predicting "
        f"{untrusted.markdown(base.label)} scores "
        f"{base.sentence().removeprefix('majority-class baseline ')}"
        " on the test rows: an accuracy at or below it learned only the class balance."
    ]


def duplicates_note(ds: TabularDataset) -> str:
    """A warning when test rows repeat a training row's inputs exactly (empty otherwise)."""
    n = tabular.duplicates_across_split(ds)
    if not n:
        return ""
    return (
        f"{n:,} of the {len(ds.y_test):,} test rows repeat the inputs of a training row "
        "exactly: on them the test score measures memory, not generalisation. Remove duplicate "
        "rows from the CSV for an honest test."
    )


def class_names(ds: Any) -> tuple[str, ...]:
    """The class names of an uploaded dataset, or ``class 0 .. class K-1`` for built-in data."""
    names = ds.class_names
    return tuple(names) if names else tuple(f"class {k}" for k in range(ds.n_classes))
