"""ui.upload: the upload choice as a cache key (its untrusted text is escaped by
``present.untrusted``, tested in ``test_untrusted.py``)."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from streamlit.runtime.caching.hashing import update_hash

from core import tabular
from ui import upload


def _csv(seed: int = 0) -> bytes:
    rows = ["a,b,y"] + [f"{i + seed},{i * 2},{i % 2}" for i in range(30)]
    return ("\n".join(rows) + "\n").encode()


def _choice(content: bytes, **kw) -> upload.UploadChoice:
    base = dict(
        content=content, filename="f.csv", target="y", features=("a", "b"), task="classification"
    )
    return upload.UploadChoice(**{**base, **kw})


def _key(obj) -> str:
    h = hashlib.new("md5")
    update_hash(obj, h, cache_type=None)
    return h.hexdigest()


def test_cache_key_depends_on_content_and_options():
    a, b = _choice(_csv()), _choice(_csv())
    assert _key(a) == _key(b)
    assert _key(_choice(_csv(seed=1))) != _key(a)  # other content, same name
    assert _key(_choice(_csv(), features=("a",))) != _key(a)
    assert _key(_choice(_csv(), params=(("seed", 1), ("test_fraction", 0.3)))) != _key(a)


def test_choice_loads_like_core_and_replaces_its_seed():
    choice = _choice(_csv())
    ds = choice.load()
    ref = tabular.load_csv(_csv(), **choice.options)
    assert (ds.X_train == ref.X_train).all() and ds.class_names == ("0", "1")
    reseeded = dataclasses.replace(choice, params=(("seed", 3), ("test_fraction", 0.3)))
    assert reseeded.kwargs["seed"] == 3
    assert reseeded.load().params["seed"] == 3


def test_load_raises_the_core_message():
    with pytest.raises(ValueError, match="not numeric"):
        _choice(b"a,b,y\n" + b"".join(f"{i},x,{i % 2}\n".encode() for i in range(30))).load()


def test_class_names_fall_back_to_numbers_for_built_in_data():
    from core import datasets

    assert upload.class_names(datasets.load("blobs")) == ("class 0", "class 1", "class 2")
    assert upload.class_names(_choice(_csv()).load()) == ("0", "1")
