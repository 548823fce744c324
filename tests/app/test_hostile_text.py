"""Every notice and error that quotes a link's value shows it inert (AppTest): a link refused
by a widget, an error quoting the link (``ui.frame.page``), a section's error and reason on
CE for regression, with payloads that would draw a link, an image, a code span, HTML or an
autolink if they were not escaped (``present.untrusted``; the browser's view of the same links is
``tests/e2e/test_hostile_link_text.py``)."""

from __future__ import annotations

import re

import pytest

from present import untrusted
from tests.app import takeaways

PAYLOADS = {
    "link": "[Sign in again](https://evil.example/login)",
    "image": "![t](https://evil.example/pixel.png)",
    "backticks": "1`![t](https://evil.example/p.png)` ``x",
    "html": '<img src=x onerror="alert(1)"><a href="https://evil.example">b</a>',
    "autolink": "<https://evil.example/auto>",
    "bare URLs": "https://evil.example/bare www.evil.example me@evil.example",
    "streamlit": ":red[x] :material/home: $x^2$",
}


def _escaped(body: str) -> bool:
    """Whether every ASCII punctuation character of ``body`` is backslash-escaped and no
    autolink literal can start in it (what ``untrusted.markdown`` makes)."""
    bare = re.sub(r"\\.", "", body)
    plain = re.sub(r"\\(.)", r"\1", body)
    return not re.search(r"""[!"#$%&'()*+,\-./:;<=>?@\[\]^_`{|}~]""", bare) and not re.search(
        r"://|www\.|@[A-Za-z]", plain
    )


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_refused_link_value_is_one_code_span(app, payload):
    at = app("pages/5_Decision_boundaries.py", {"epochs": payload, "layers": "0"})
    (notice,) = [w.value for w in at.warning if "is not allowed here" in w.value]
    span = untrusted.code(f"epochs={untrusted.short(payload)}", limit=1000)
    assert span in notice
    rest = notice.replace(span, "")
    assert "evil" not in rest and "<" not in rest and "![" not in rest and "](" not in rest


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_an_error_quoting_the_link_is_escaped(app, payload):
    at = app("pages/2_Gradient_anatomy.py", {"part": "Softmax, K classes", "a": payload})
    prefix = "Loss Lab could not compute this view: "
    (error,) = [e.value for e in at.error if e.value.startswith(prefix)]
    assert _escaped(error.removeprefix(prefix)), error
    assert "evil" in error or "red" in error  # the value is there, shown literally


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_vector_the_page_cannot_divide_is_escaped(app, payload):
    at = app("pages/4_CE_for_regression.py", {"u": payload})
    heads = [
        h for h in takeaways.headlines(at) if h == "Dividing by the sum is not always possible."
    ]
    # each reason is the detail under that headline: the section's message, quoting the link
    reasons = [d for d in takeaways.details(at) if "evil" in d or "red" in d]
    errors = [e.value for e in at.error if "This part cannot be computed: " in e.value]
    assert heads and reasons and errors
    for text in reasons:
        assert _escaped(text.removesuffix(".")), text
    for text in errors:
        assert _escaped(text.removeprefix("This part cannot be computed: ")), text
