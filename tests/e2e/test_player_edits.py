"""Touching the data in a real browser: every gesture on the boundary canvases and on Outlier
robustness's fits, with a mouse at 1280x720 and a finger at 390x844.

Each gesture must change the training points (the player's ``data-edits`` and the link's
``edits``), retrain every loss in the browser (a new run, its first frame), say that the numbers
are now live, and send nothing to the server; "Compute exactly" is the one click that does.
The views are small (moons, 120 points, MLP 8, 30 epochs) so a gesture's retraining is quick.
Points are found on screen from the player's ``data-plot`` (the plot box in CSS px inside each
panel) and ``data-extent`` (its data coordinates).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

from core import datasets, robustness
from tests.e2e.conftest import wait_for_quiet, wait_for_run

VIEW = "Decision_boundaries?dataset=moons&moons_n_samples=120&layers=1&width=8&epochs=30&lr=0.05"
DEVICES = {
    "mouse-1280x720": {"viewport": {"width": 1280, "height": 720}},
    "touch-390x844": {
        "viewport": {"width": 390, "height": 844},
        "has_touch": True,
        "is_mobile": True,
        "device_scale_factor": 2,
    },
}


@dataclass
class Editor:
    """A page with a live player, and the gestures a student makes on it."""

    page: object
    root: object
    touch: bool
    cdp: object = None
    sent: list = field(default_factory=list)

    def quiet(self) -> int:
        """Websocket messages sent so far."""
        return len(self.sent)

    def attr(self, name: str) -> str:
        return self.root.get_attribute(f"data-{name}")

    def tool(self, name: str) -> None:
        self.root.locator(f".ll-tool[data-tool='{name}']").click()

    def button(self, action: str) -> None:
        self.root.locator(f"[data-action='{action}']").click()

    def box(self, panel: int = 0) -> dict:
        """Panel ``panel``'s plot box on the screen now, scrolled into view and with the
        page's layout quiet (nothing moved for :data:`conftest.QUIET_MS`): a gesture's points
        are computed from the box they land in, not from one before a late layout change."""
        stack = self.root.locator(".ll-stack").nth(panel)
        stack.scroll_into_view_if_needed()
        wait_for_quiet(self.page)
        return stack.bounding_box()

    def screen(
        self, x: float, y: float, panel: int = 0, box: dict | None = None
    ) -> tuple[float, float]:
        """Where the data point (x, y) is on the screen, in panel ``panel`` (whose box is
        ``box`` if given, else :meth:`box`)."""
        box = box or self.box(panel)
        left, top, w, h = map(float, self.attr("plot").split(","))
        x0, x1, y0, y1 = map(float, (self.attr("extent") or self.attr("range")).split(","))
        return (
            box["x"] + left + (x - x0) / (x1 - x0) * w,
            box["y"] + top + h - (y - y0) / (y1 - y0) * h,
        )

    def tap(self, x: float, y: float) -> None:
        sx, sy = self.screen(x, y)
        if self.touch:
            self.page.touchscreen.tap(sx, sy)
        else:
            self.page.mouse.click(sx, sy)

    def drag(
        self, start: tuple[float, float], end: tuple[float, float], shot: str | None = None
    ) -> list[float]:
        """Drag from data point ``start`` to ``end`` in 12 moves; a screenshot mid-way. Each
        move aims at its data point in the panel's box as it is at that moment, as a finger
        follows what it sees: a layout change under the gesture (the page scrolled, a line
        above the panel rewrapped) moves the panel, not the point the finger aims at. The
        last move is made again once the layout is quiet, so the point is let go where the
        panel then is. Returns how far the panel's top moved (CSS px) at each move, for the
        assertion messages."""
        box = self.box()  # scrolled into view, the layout quiet
        stack = self.root.locator(".ll-stack").nth(0)
        ax, ay = self.screen(*start, box=box)
        path = [
            (start[0] + (end[0] - start[0]) * k / 12, start[1] + (end[1] - start[1]) * k / 12)
            for k in range(1, 13)
        ]
        moved = []

        def aim(x: float, y: float) -> tuple[float, float]:
            now = stack.bounding_box()
            moved.append(round(now["y"] - box["y"], 1))
            return self.screen(x, y, box=now)

        if self.touch:
            touch = lambda kind, x, y: self.cdp.send(  # noqa: E731
                "Input.dispatchTouchEvent",
                {"type": kind, "touchPoints": [{"x": x, "y": y}] if kind != "touchEnd" else []},
            )
            touch("touchStart", ax, ay)
            for point in path:
                touch("touchMove", *aim(*point))
                self.page.wait_for_timeout(40)
            wait_for_quiet(self.page)
            touch("touchMove", *aim(*end))
            assert self.attr("dragging") == "1"
            if shot:
                self.page.screenshot(path=shot)
            touch("touchEnd", *aim(*end))
        else:
            self.page.mouse.move(ax, ay)
            self.page.mouse.down()
            for point in path:
                self.page.mouse.move(*aim(*point))
                self.page.wait_for_timeout(40)
            wait_for_quiet(self.page)
            self.page.mouse.move(*aim(*end))
            assert self.attr("dragging") == "1"
            if shot:
                self.page.screenshot(path=shot)
            self.page.mouse.up()
        return moved

    def edits(self) -> str:
        """The link's edits as the page has them now: ``location.href``, not ``page.url``,
        which Playwright updates only when the browser reports the ``replaceState`` later."""
        href = self.page.evaluate("() => location.href")
        return parse_qs(urlparse(href).query).get("edits", [""])[0]

    def retrained(self, run_before: int) -> None:
        """A new run started and drew its first frame."""
        self.page.wait_for_function(
            "([r, n]) => Number(r.dataset.run) > n && r.dataset.firstFrameMs !== undefined",
            arg=[self.root.element_handle(), run_before],
            timeout=30_000,
        )


def _open(browser, app_url: str, device: str, path: str, selector: str = ".ll-player") -> Editor:
    context = browser.new_context(**DEVICES[device])
    page = context.new_page()
    ed = Editor(page, None, touch="touch" in device)
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: ed.sent.append(time.time())))
    page.goto(f"{app_url}/{path}", timeout=90_000)
    wait_for_run(page)
    page.wait_for_selector(f"{selector}[data-ready='1']", timeout=90_000)
    ed.root = page.locator(selector)
    page.wait_for_function(
        "(r) => Number(r.dataset.frontier) >= 30", arg=ed.root.element_handle(), timeout=90_000
    )
    if ed.touch:
        ed.cdp = context.new_cdp_session(page)
    page.wait_for_timeout(800)  # the run's own messages are over
    return ed


@pytest.fixture(params=list(DEVICES))
def editor(request, browser, app_url):
    ed = _open(browser, app_url, request.param, VIEW)
    yield ed
    ed.page.context.close()


@pytest.fixture(scope="module")
def moons():
    return datasets.load("moons", n_samples=120)


def _lonely(X: np.ndarray) -> int:
    """The training point farthest from its nearest neighbour (a tap finds it alone)."""
    d = np.linalg.norm(X[:, None] - X[None], axis=-1)
    np.fill_diagonal(d, np.inf)
    inside = (np.abs(X) < 1.6).all(axis=1)
    return int(np.argmax(np.where(inside, d.min(axis=1), -1)))


def _gesture_done(ed: Editor, quiet: int, n_edits: int, pattern: str) -> None:
    assert ed.attr("edits") == str(n_edits)
    assert re.fullmatch(pattern, ed.edits()), ed.edits()
    assert ed.attr("live") == "1"
    status = ed.root.locator(".ll-status")
    assert "Live" in status.inner_text() and status.locator(".ll-exact").is_visible()
    assert ed.quiet() == quiet, f"{ed.quiet() - quiet} websocket messages while editing"


def test_add_a_point_of_a_chosen_class(editor):
    ed, quiet, run = editor, editor.quiet(), int(editor.attr("run"))
    ed.root.locator(".ll-class").nth(1).click()  # class 1: the Add tool with that class
    assert ed.attr("tool") == "add"
    ed.tap(-1.8, 1.8)
    ed.retrained(run)
    _gesture_done(ed, quiet, 1, r"1\.a-18\d\d_18\d\d_1")


def test_drag_a_point(editor, moons):
    ed, quiet, run = editor, editor.quiet(), int(editor.attr("run"))
    i = _lonely(moons.X_train)
    x, y = moons.X_train[i]
    assert ed.attr("tool") == "drag"  # the default tool
    shot = None
    if ed.touch:
        shot = "/work/notes/screens/live/db_drag_390.png"
    moved = ed.drag((x, y), (x + 0.8, y + 0.6), shot)
    ed.retrained(run)
    _gesture_done(ed, quiet, 1, rf"1\.m{i}_-?\d+_-?\d+")
    _, mx, my = ed.edits().split("_")
    where = f"the panel's top moved by {moved} px during the gesture"
    assert abs(int(mx) / 1000 - (x + 0.8)) < 0.05, where
    assert abs(int(my) / 1000 - (y + 0.6)) < 0.05, where


def test_flip_and_erase_a_point(editor, moons):
    ed, quiet = editor, editor.quiet()
    i = _lonely(moons.X_train)
    x, y = moons.X_train[i]
    ed.tool("flip")
    run = int(ed.attr("run"))
    ed.tap(x, y)
    ed.retrained(run)
    _gesture_done(ed, quiet, 1, rf"1\.l{i}_{1 - int(moons.y_train[i])}")
    ed.tool("erase")
    run = int(ed.attr("run"))
    ed.tap(x, y)
    ed.retrained(run)
    _gesture_done(ed, quiet, 2, rf"1\.l{i}_\d\.d{i}")


def test_undo_and_reset(editor):
    ed, quiet = editor, editor.quiet()
    ed.tool("add")
    ed.tap(-1.8, 1.8)
    ed.tap(1.8, -1.8)
    assert ed.attr("edits") == "2"
    ed.button("undo")
    _gesture_done(ed, quiet, 1, r"1\.a-?\d+_-?\d+_0")
    ed.button("reset")
    assert ed.attr("edits") == "0" and ed.edits() == ""
    ed.page.wait_for_function("(r) => r.dataset.live === '0'", arg=ed.root.element_handle())
    assert ed.quiet() == quiet


def test_an_outlier_far_from_its_class(editor):
    ed, quiet, run = editor, editor.quiet(), int(editor.attr("run"))
    ed.button("outlier")
    ed.retrained(run)
    _gesture_done(ed, quiet, 1, r"1\.a-?\d+_-?\d+_0")


def test_continue_from_here_keeps_the_weights_and_trains_on(editor):
    ed, quiet = editor, editor.quiet()
    ed.root.locator(".ll-mode").select_option("continue")
    run = int(ed.attr("run"))
    ed.tool("add")
    ed.tap(-1.8, 1.8)
    ed.retrained(run)
    assert ed.root.locator(".ll-scrub").get_attribute("max") == "60"  # 30 more epochs
    ed.page.wait_for_function(
        "(r) => r.dataset.frontier === '60'", arg=ed.root.element_handle(), timeout=60_000
    )
    assert "continued from the current weights" in ed.root.locator(".ll-status").inner_text()
    assert ed.quiet() == quiet


def test_compute_exactly_is_the_one_click_that_asks_the_server(editor):
    ed = editor
    ed.tool("add")
    ed.tap(-1.8, 1.8)
    text = ed.edits()
    quiet = ed.quiet()
    ed.root.locator(".ll-exact").click()
    ed.page.wait_for_timeout(500)
    wait_for_run(ed.page)
    ed.page.wait_for_function("(r) => r.dataset.live === '0'", arg=ed.root.element_handle())
    assert ed.quiet() > quiet  # the click's own message
    assert ed.edits() == text  # the link names the edited view
    assert ed.page.locator('[data-testid="stDataFrame"]').count() >= 1  # its exact table


# --------------------------------------------------------------------------- Outlier robustness


@pytest.fixture(params=list(DEVICES))
def fits(request, browser, app_url):
    ed = _open(browser, app_url, request.param, "Outlier_robustness?sweep=false", ".ll-fits")
    yield ed
    ed.page.context.close()


def test_drag_a_point_up_the_squared_error_swings_the_robust_losses_hold(fits):
    """Outlier robustness's regression: one clean point dragged far up moves MSE's fit more
    than MAE's and Huber's (their gradient is bounded)."""
    ed, quiet, run = fits, fits.quiet(), int(fits.attr("run"))
    ds = robustness.corrupt(datasets.load("linear_1d"), "response", 0.2, magnitude=8.0, seed=0)
    clean = np.flatnonzero(~ds.corrupted)
    i = int(clean[np.argmin(np.abs(ds.X_train[clean, 0]))])  # a clean point mid-way
    x, y = float(ds.X_train[i, 0]), float(ds.y_train[i])
    before = list(map(float, ed.attr("fit-mid").split(",")))
    top = float(ed.attr("range").split(",")[3]) - 0.5
    shot = f"/work/notes/screens/live/robustness_drag_{'390' if ed.touch else '1280'}.png"
    ed.drag((x, y), (x, top), shot)
    ed.retrained(run)
    ed.page.wait_for_function(
        "(r) => r.dataset.frontier === '150'", arg=ed.root.element_handle(), timeout=60_000
    )
    ed.page.wait_for_timeout(300)
    after = list(map(float, ed.attr("fit-mid").split(",")))
    moved = dict(zip(robustness.REGRESSION_LOSSES, np.abs(np.subtract(after, before)), strict=True))
    assert moved["mse"] > 2 * max(moved["mae"], moved["huber"]), moved
    assert ed.attr("edits") == "1" and ed.edits().startswith(f"1.m{i}_")
    assert ed.quiet() == quiet
