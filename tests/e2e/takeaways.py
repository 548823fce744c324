"""Reading a page's takeaway boxes in a real browser: the headline and its folded details."""

from __future__ import annotations

#: Every takeaway box (``ui.frame.takeaway``: container keys ``takeaway_1``, ``takeaway_2`` ...).
BOX = '[class*="st-key-takeaway_"]'


def texts(page) -> list[str]:
    """Each takeaway box's text, its "Details and numbers" opened first (they are folded)."""
    out = []
    boxes = page.locator(BOX)
    for i in range(boxes.count()):
        box = boxes.nth(i)
        summary = box.locator("summary")
        if summary.count():
            details = box.locator("details").first
            if details.get_attribute("open") is None:
                summary.first.click()
                page.wait_for_timeout(150)
        out.append(box.inner_text())
    return out


def headline(page, i: int = 0) -> str:
    """The headline of takeaway box ``i`` (what the room reads)."""
    return page.locator(BOX).nth(i).locator('[data-testid="stAlertContentInfo"]').inner_text()
