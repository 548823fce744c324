// The player's annotations (ui/player/annotate.js): a lecture stop's marks drawn on a canvas.
// The file is a plain script joined in front of each player's module, so it is evaluated here
// with a recording 2-D context in place of a canvas.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const FILE = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "ui", "player", "annotate.js");
const { annotationsFor, annotationLines, drawAnnotations } = new Function(
  `${readFileSync(FILE, "utf-8")}\nreturn { annotationsFor, annotationLines, drawAnnotations };`,
)();

/** A 2-D context that records what is drawn; text is 10 px per character. */
function recorder() {
  const calls = [];
  const ctx = {
    calls,
    font: "",
    save() {}, restore() {}, setLineDash() {}, beginPath() {}, arc() {},
    moveTo(x, y) { calls.push(["moveTo", x, y]); },
    lineTo(x, y) { calls.push(["lineTo", x, y]); },
    stroke() { calls.push(["stroke"]); },
    fillRect(x, y, w, h) { calls.push(["box", x, y, w, h]); },
    strokeRect() {},
    fillText(t, x, y) { calls.push(["text", t, x, y]); },
    measureText: (t) => ({ width: 10 * t.length }),
  };
  return ctx;
}

const box = { l: 0, t: 0, r: 300, b: 300 };
const X = (x) => 100 * x, Y = (y) => 300 - 100 * y;

describe("annotations", () => {
  it("keep a panel's own marks and the marks of every panel", () => {
    const marks = [{ text: "a", panel: "mae" }, { text: "b", panel: null }, { text: "c", panel: "ce" }];
    assert.deepEqual(annotationsFor(marks, "mae").map((m) => m.text), ["a", "b"]);
    assert.deepEqual(annotationsFor(undefined, "mae"), []);
  });

  it("wrap a label to the figure's width, words whole", () => {
    const ctx = recorder();
    assert.deepEqual(annotationLines(ctx, "MAE: last in 10 of 10 seeds", 120), ["MAE: last in", "10 of 10", "seeds"]);
  });

  it("draw a rule at x with its label inside the figure, as text", () => {
    const ctx = recorder();
    drawAnnotations(ctx, [{ text: "<b>plateau</b>", x: 2.9, y: null, side: "right" }], X, Y, box, 20);
    assert.ok(ctx.calls.some((c) => c[0] === "moveTo" && c[1] === 290 && c[2] === 0));
    assert.ok(ctx.calls.some((c) => c[0] === "lineTo" && c[1] === 290 && c[2] === 300));
    const label = ctx.calls.filter((c) => c[0] === "box").at(-1);
    assert.ok(label[1] >= 0 && label[1] + label[3] <= 300, "the label stays inside the figure");
    assert.deepEqual(ctx.calls.filter((c) => c[0] === "text").map((c) => c[1]), ["<b>plateau</b>"]);
  });

  it("put a left-side label's right edge at the mark and label a panel without coordinates", () => {
    const ctx = recorder();
    drawAnnotations(ctx, [{ text: "CE", x: 2, y: 1, side: "left" }], X, Y, box, 20);
    const [, left, , w] = ctx.calls.find((c) => c[0] === "box");
    assert.ok(left + w <= 200, "left of the point");
    const corner = recorder();
    drawAnnotations(corner, [{ text: "MAE", panel: "mae" }], X, Y, box, 20);
    const [, l, t] = corner.calls.find((c) => c[0] === "box");
    assert.ok(l < 20 && t < 20, "the panel's top left corner");
    const none = recorder();
    drawAnnotations(none, [], X, Y, box, 20);
    assert.equal(none.calls.length, 0);
  });
});
