"""Reading a page's takeaway boxes in a real browser: the headline and its folded details."""

from __future__ import annotations

#: Every takeaway box (``ui.frame.takeaway``: container keys ``takeaway_1``, ``takeaway_2`` ...).
BOX = '[class*="st-key-takeaway_"]'
TEXT = '[data-testid="stMarkdownContainer"]'


def texts(page) -> list[str]:
    """Each takeaway box's text: its headline and its details, visible or folded (a folded
    "Details and numbers" is opened first when it can be seen)."""
    out = []
    boxes = page.locator(BOX)
    for i in range(boxes.count()):
        box = boxes.nth(i)
        summary = box.locator("summary")
        if summary.count() and summary.first.is_visible():
            if box.locator("details").first.get_attribute("open") is None:
                summary.first.click()
                page.wait_for_timeout(150)
        parts = box.locator(TEXT)
        out.append(" ".join(parts.nth(j).text_content() or "" for j in range(parts.count())))
    return out


def headline(page, i: int = 0) -> str:
    """The headline of takeaway box ``i`` (what the room reads)."""
    alert = page.locator(BOX).nth(i).locator('[data-testid="stAlertContentInfo"]')
    return alert.locator(TEXT).first.inner_text()
