"""core.tabular: every bad file gets a ValueError naming the problem; good files become datasets."""

from __future__ import annotations

import numpy as np
import pytest

from core import tabular
from core.datasets import Dataset, add_label_noise


def _csv(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _blobs(n: int = 60, classes: tuple[str, ...] = ("cat", "dog"), seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        k = i % len(classes)
        a, b, c = rng.normal(size=3) + 2 * k
        rows.append(f"{a:.4f},{b:.4f},{c:.4f},{classes[k]}")
    return _csv("a,b,c,label", rows)


def _regression(n: int = 50, seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    y = 3 * x[:, 0] - x[:, 1] + 0.1 * rng.normal(size=n) + 100
    return _csv("x1,x2,price", [f"{a:.5f},{b:.5f},{c:.5f}" for (a, b), c in zip(x, y, strict=True)])


# --------------------------------------------------------------------------- good files


def test_classification_csv_becomes_a_dataset_with_class_names():
    ds = tabular.load_csv(_blobs(), target="label")
    assert isinstance(ds, Dataset)
    assert ds.task == "classification" and ds.n_classes == 2
    assert ds.class_names == ("cat", "dog")
    assert ds.feature_names == ("a", "b", "c")
    assert len(ds.y_train) + len(ds.y_test) == 60
    assert len(ds.y_test) == 18  # ceil(0.3 * 60), as datasets.load splits
    # standardised on the training split
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(ds.X_train.std(axis=0), 1, atol=1e-12)
    assert not ds.X_train.flags.writeable
    # stratified: both classes in both splits, balanced as in the file
    assert np.bincount(ds.y_test).tolist() == [9, 9]


def test_numeric_class_labels_sort_numerically_and_keep_their_text():
    rows = [f"{i},{i % 3 * 5}" for i in range(30)]  # classes 0, 5, 10
    ds = tabular.load_csv(_csv("x,grade", rows), target="grade")
    assert ds.task == "classification"
    assert ds.class_names == ("0", "5", "10")


def test_regression_target_is_inferred_and_standardised():
    table = tabular.read_csv(_regression())
    assert tabular.infer_task(table, "price") == "regression"
    ds = tabular.to_dataset(table, target="price")
    assert ds.task == "regression" and ds.n_classes == 0
    assert abs(ds.y_mean - 100) < 1.5
    np.testing.assert_allclose(ds.y_train.mean(), 0, atol=1e-12)
    np.testing.assert_allclose(ds.y_train.std(), 1, atol=1e-12)


def test_task_override_turns_a_numeric_target_into_classes():
    rows = [f"{i},{i % 2}" for i in range(40)]
    table = tabular.read_csv(_csv("x,flag", rows))
    assert tabular.infer_task(table, "flag") == "classification"
    ds = tabular.to_dataset(table, target="flag", task="regression")
    assert ds.task == "regression"


def test_same_split_and_scaling_as_builtin_datasets():
    """A CSV written from a built-in dataset's columns gives the same standardised split
    (datasets.load uses the same stratified split and scaling on the training split)."""
    import sklearn.datasets
    from sklearn.model_selection import train_test_split

    X, y = sklearn.datasets.make_moons(n_samples=100, noise=0.2, random_state=3)
    rows = [f"{float(a)!r},{float(b)!r},{int(k)}" for (a, b), k in zip(X, y, strict=True)]
    ds = tabular.load_csv(_csv("x1,x2,y", rows), target="y", seed=5, test_fraction=0.25)
    X_tr, _, y_tr, _ = train_test_split(X, y, test_size=25, random_state=5, stratify=y)
    np.testing.assert_allclose(ds.X_train, (X_tr - X_tr.mean(0)) / X_tr.std(0), atol=1e-12)
    np.testing.assert_array_equal(ds.y_train, y_tr)


def test_pca_view_gives_two_components_like_iris():
    ds = tabular.load_csv(_blobs(), target="label", view="pca")
    assert ds.feature_names == ("PC1", "PC2") and ds.n_features == 2
    assert ds.source_columns == ("a", "b", "c")
    assert "principal components of 3 features" in ds.title
    # components are uncorrelated over all rows (before the train-split standardisation)
    Z = np.vstack([ds.X_train, ds.X_test])
    assert abs(np.corrcoef(Z.T)[0, 1]) < 0.2


def test_pca_signs_are_deterministic():
    a = tabular.load_csv(_blobs(), target="label", view="pca")
    b = tabular.load_csv(_blobs(), target="label", view="pca")
    np.testing.assert_array_equal(a.X_train, b.X_train)


def test_path_source_and_bom(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _blobs())
    table = tabular.read_csv(path)
    assert table.name == "mine.csv" and table.columns[0] == "a"


def test_label_noise_works_on_an_uploaded_dataset():
    ds = add_label_noise(tabular.load_csv(_blobs(), target="label"), 0.2, seed=1)
    assert ds.corrupted.sum() == round(0.2 * len(ds.y_train))
    assert ds.class_names == ("cat", "dog")


def test_untrusted_names_are_kept_verbatim():
    name = "<img src=x onerror=alert(1)>"
    rows = [f"{i},{'**bold**' if i % 2 else name}" for i in range(30)]
    ds = tabular.load_csv(_csv(f'"{name}",target', rows), target="target")
    assert ds.feature_names == (name,)
    assert set(ds.class_names) == {"**bold**", name}
    assert name not in ds.title and "bold" not in ds.title


def test_digest_depends_on_content_only():
    a, b = tabular.read_csv(_blobs(), name="x.csv"), tabular.read_csv(_blobs(), name="y.csv")
    c = tabular.read_csv(_blobs(seed=1))
    assert a.digest == b.digest != c.digest


def test_drop_missing_drops_the_rows():
    rows = [f"{i},{'' if i < 3 else i},{i % 2}" for i in range(40)]
    ds = tabular.load_csv(_csv("a,b,y", rows), target="y", drop_missing=True)
    assert len(ds.y_train) + len(ds.y_test) == 37


# --------------------------------------------------------------------------- bad files

BAD_FILES = {
    "empty": (b"", "empty"),
    "whitespace only": (b"\n  \n", "empty"),
    "header only": (b"a,b,label\n", "no data rows"),
    "binary": (bytes(range(256)) * 4, "not a text file"),
    "xlsx-like zip": (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100, "not a text file"),
    "semicolons": (b"a;b;label\n1;2;x\n", "semicolon-separated"),
    "tabs": (b"a\tb\tlabel\n1\t2\tx\n", "tab-separated"),
    "latin-1": ("a,b,étiquette\n1,2,x\n".encode("latin-1"), "not UTF-8"),
    "one column": (b"values\n1\n2\n", "needs a target column and at least one feature"),
    "duplicate names": (b"a,b,a\n1,2,3\n", "repeats column name(s) 'a'"),
    "empty name": (b"a,,label\n1,2,3\n", "empty column name(s) at position(s) 2"),
    "ragged row": (b"a,b\n1,2\n1,2,3\n", "more fields than the header's 2 columns"),
    "too many columns": (
        (",".join(f"c{i}" for i in range(51)) + "\n" + ",".join("1" * 51) + "\n").encode(),
        "at most 50 columns and 20,000 rows",
    ),
    "too many rows": (
        b"a,label\n" + b"".join(f"{i},{i % 2}\n".encode() for i in range(20_001)),
        "more than 20,000 data rows",
    ),
    "too large": (b"a,b\n" + b"1,2\n" * (tabular.MAX_BYTES // 4 + 1), "up to 10 MB"),
}


@pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
def test_bad_file_is_refused_with_a_clear_message(case):
    data, expected = BAD_FILES[case]
    with pytest.raises(ValueError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        tabular.read_csv(data)


def test_too_large_path_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("wb") as f:
        f.truncate(tabular.MAX_BYTES + 1)
    with pytest.raises(ValueError, match="up to 10 MB"):
        tabular.read_csv(path)


def test_exactly_20000_rows_and_50_columns_are_accepted():
    header = ",".join(f"c{i}" for i in range(50))
    body = "".join(",".join([str(i % 2)] + ["1.5"] * 49) + "\n" for i in range(20_000))
    table = tabular.read_csv((header + "\n" + body).encode())
    assert table.n_rows == 20_000 and len(table.columns) == 50


def _table(header: str, rows: list[str]) -> tabular.Table:
    return tabular.read_csv(_csv(header, rows))


def test_non_numeric_features_are_named():
    rows = [f"{i},red,blue,{i % 2}" for i in range(30)]
    table = _table("x,colour,shade,y", rows)
    with pytest.raises(ValueError, match=r"'colour', 'shade' are not numeric"):
        tabular.to_dataset(table, target="y")
    # leaving them out works
    assert tabular.to_dataset(table, target="y", features=["x"]).n_features == 1


def test_missing_values_are_counted():
    rows = [f"{'' if i < 4 else i},{'NA' if i in (2, 9) else 1},{i % 2}" for i in range(40)]
    with pytest.raises(tabular.MissingValuesError, match="6 missing values in 5 rows") as err:
        tabular.to_dataset(_table("a,b,y", rows), target="y")
    assert (err.value.n_cells, err.value.n_rows) == (6, 5)
    assert err.value.columns == ("a", "b")


def test_missing_target_counts_too():
    rows = [f"{i},{'' if i == 0 else i % 2}" for i in range(40)]
    with pytest.raises(tabular.MissingValuesError, match="1 missing value in 1 row"):
        tabular.to_dataset(_table("a,y", rows), target="y")


#: Files with a feature ``a`` and a target ``y`` that ``to_dataset`` refuses, by what is wrong:
#: ``(rows, options, message)``.
REFUSED = {
    "target with one class": (
        [f"{i},same" for i in range(30)],
        {},
        r"single class \('same'\).*at least 2 classes",
    ),
    "more than 20 classes": (
        [f"{i},k{i % 21}" for i in range(63)],
        {},
        "has 21 classes; Loss Lab shows at most 20",
    ),
    "class with a single row": (
        [f"{i},{'rare' if i == 0 else i % 2}" for i in range(30)],
        {},
        r"'rare'.*at least 2 rows",
    ),
    "too few rows": (
        [f"{i},{i % 2}" for i in range(19)],
        {},
        "19 rows; Loss Lab needs at least 20",
    ),
    "too few rows after dropping missing": (
        [f"{'' if i < 5 else i},{i % 2}" for i in range(22)],
        {"drop_missing": True},
        "17 rows after dropping the rows with missing values",
    ),
    "text target as regression": (
        [f"{i},{'ab'[i % 2]}" for i in range(30)],
        {"task": "regression"},
        "holds text, so it cannot be a regression target",
    ),
    "infinite feature values": (
        [f"{'inf' if i == 3 else i},{i % 2}" for i in range(30)],
        {},
        "'a' hold infinite values",
    ),
}


@pytest.mark.parametrize(("rows", "options", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_refused_files_name_the_problem(rows, options, message):
    with pytest.raises(ValueError, match=message):
        tabular.to_dataset(_table("a,y", rows), target="y", **options)


def test_numeric_target_with_many_values_is_regression_not_an_error():
    rows = [f"{i},{i % 21}" for i in range(63)]
    table = _table("a,y", rows)
    assert tabular.infer_task(table, "y") == "regression"
    with pytest.raises(ValueError, match="21 classes"):
        tabular.to_dataset(table, target="y", task="classification")


def test_huge_values_standardise_without_overflow():
    rows = [f"{(i + 1) * 1e300},{i % 2}" for i in range(30)]
    ds = tabular.to_dataset(_table("a,y", rows), target="y")
    assert np.isfinite(ds.X_train).all()
    np.testing.assert_allclose(ds.X_train.std(), 1, rtol=1e-9)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"target": "nope"}, "target 'nope' is not a column"),
        ({"target": "y", "features": ["zz"]}, "feature 'zz' is not a column"),
        ({"target": "y", "features": []}, "choose at least one feature"),
        ({"target": "y", "features": ["y"]}, "cannot also be a feature"),
        ({"target": "y", "task": "ranking"}, "task must be one of"),
        ({"target": "y", "view": "tsne"}, "view must be one of"),
        ({"target": "y", "features": ["a"], "view": "pca"}, "at least two features"),
        ({"target": "y", "test_fraction": 0.99}, "test_fraction must be"),
        ({"target": "y", "seed": -1}, "seed must be"),
    ],
    ids=[
        "target",
        "feature",
        "no features",
        "target as feature",
        "task",
        "view",
        "pca 1-D",
        "test fraction",
        "seed",
    ],
)
def test_bad_options_name_the_argument(options, expected):
    rows = [f"{i},{i * 2},{i % 2}" for i in range(30)]
    with pytest.raises(ValueError, match=expected):
        tabular.to_dataset(_table("a,b,y", rows), **options)


def test_pca_matches_scikit_learn():
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5)) @ rng.normal(size=(5, 5))
    Z = (X - X.mean(0)) / X.std(0)
    np.testing.assert_allclose(tabular._pca2(X, list("abcde")), PCA(2).fit_transform(Z), atol=1e-9)


def test_text_and_numbers_mixed_in_a_column_and_bool_targets():
    rows = [
        f"{'n/a' if i == 0 else i},{' 2.5 ' if i % 2 else 'x'},{'True' if i % 2 else 'False'}"
        for i in range(30)
    ]
    table = _table("a,b,flag", rows)
    assert table.missing("a").sum() == 1
    with pytest.raises(ValueError, match="'b' are not numeric"):
        tabular.to_dataset(table, target="flag", features=["a", "b"], drop_missing=True)
    ds = tabular.to_dataset(table, target="flag", features=["a"], drop_missing=True)
    assert ds.class_names == ("False", "True")


def test_class_counts_and_rows_repeated_across_the_split():
    """The class balance an upload shows, and its test rows that repeat a training row."""
    rows = ["x1,x2,label"] + [f"{i % 7},{i % 5},common" for i in range(192)]
    rows += [f"{i},{2 * i},rare" for i in range(8)]
    ds = tabular.load_csv("\n".join(rows).encode(), target="label", features=["x1", "x2"])
    counts = tabular.class_counts(ds)
    assert sum(a for a, _ in counts) == len(ds.y_train) and sum(b for _, b in counts) == len(
        ds.y_test
    )
    assert counts[ds.class_names.index("common")][0] > counts[ds.class_names.index("rare")][0]
    # only 35 distinct "common" rows: nearly every test row repeats a training row's inputs
    assert tabular.duplicates_across_split(ds) >= len(ds.y_test) - 2
    distinct = ["x1,x2,label"] + [f"{i},{i * i % 97},{'ab'[i % 2]}" for i in range(60)]
    clean = tabular.load_csv("\n".join(distinct).encode(), target="label")
    assert tabular.duplicates_across_split(clean) == 0
