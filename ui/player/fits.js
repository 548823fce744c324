// Loss Lab live fits (see ui/player.py): Outlier robustness's regression, every loss's fitted
// curve over the training points, trained in the browser; drag a point (up, say) and every loss
// retrains at once from the same initial weights — the squared error's line swings, the
// absolute error's and Huber's hold. Text from the payload goes into the DOM with textContent.
//
// The root .ll-fits reports data-ready, data-frontier, data-live, data-edits, data-dragging and
// data-first-frame-ms, as the boundaries player does, data-fit-mid (each fit at the middle x)
// and data-range (the plot's data extent, x0,x1,y0,y1) and data-plot (its box in CSS px).

function fitSpec(view) {
  return { task: "regression", data: view.data, configs: view.configs, formulas: view.formulas, grid: { xs: view.grid.xs } };
}

const ROLE = { clean: "#A0A0A0", outlier: "#000000", test: "#4D4D4D" };

export default function (component) {
  const { parentElement, setTriggerValue, key } = component;
  const view = viewOf(component.data);
  if (!view) return undefined;
  replaceLive(parentElement);
  const root = el("div", "ll-player ll-fits");
  if (view.present) root.classList.add("ll-present");
  root.dataset.ready = "0";
  parentElement.appendChild(root);
  hideFallback(view.fallback);
  const S = liveSession(key, view, fitSpec);
  root.dataset.where = S.trainer.where;

  const inSync = () => !S.continued && (S.engine ? S.text() : view.edits) === view.edits;
  const exact = () => Boolean(view.exact) && inSync();

  let tools = null;
  const change = (ops) => {
    S.setOps(ops, "restart", 0);
    writeEditsToUrl(S.text());
    tools?.sync();
    draw(true);
  };

  const legend = el("div", "ll-legend");
  const readouts = view.panels.map((p) => {
    const item = legendKey(p.title, p.color, "ll-line");
    const value = el("span", "ll-score", "");
    item.appendChild(value);
    legend.appendChild(item);
    return value;
  });
  for (const [label, color] of [["clean train", ROLE.clean], ["outlier (train)", ROLE.outlier], ["clean test", ROLE.test]]) {
    legend.appendChild(legendKey(label, color));
  }
  root.appendChild(legend);
  const counter = el("div", "ll-note");
  root.appendChild(counter);
  const stack = el("div", "ll-stack ll-fit-stack");
  const canvas = el("canvas", "ll-canvas");
  stack.appendChild(canvas);
  root.appendChild(stack);
  const status = statusLine(root, {
    compute: () => setTriggerValue("view", { epoch: view.epochs, edits: S.text(), exact: true }),
  });

  tools = editBar(root, S, {
    classes: [],
    regression: true,
    onChange: (ops) => change(ops),
    outlier: () => {
      const x = view.grid.xs[Math.floor(view.grid.xs.length / 2)];
      const y = view.range.y[1] - 0.08 * (view.range.y[1] - view.range.y[0]);
      change([...S.ops, ["a", S.engine.quantize(x), S.engine.quantize(y)]]);
    },
  });
  tools.box.querySelector(".ll-mode")?.remove(); // a regression retrains from the start

  const font = view.present ? 18 : 13;
  // presenter mode: CSS px under the plot that the first screen keeps for what follows it (the
  // status line and the edit tools, the takeaway's first line), and the least height left
  const BELOW_FITS = 150, MIN_PRESENT_H = 220;
  let box = null;
  function size() {
    const dpr = window.devicePixelRatio || 1;
    const w = stack.clientWidth || 600;
    // presenter mode: no taller than the first screen leaves the plot (presentCap), so that
    // the takeaway under the figure starts on a projector's screen (1280x720)
    const cap = Math.max(MIN_PRESENT_H, presentCap(stack, BELOW_FITS));
    const h = Math.min(Math.max(260, Math.min(view.present ? 440 : 380, w * 0.55)), cap);
    stack.style.height = `${h}px`;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    const m = { l: font * 3.4, r: 10, t: 8, b: font * 2.8 };
    box = { x: m.l * dpr, y: m.t * dpr, w: (w - m.l - m.r) * dpr, h: (h - m.t - m.b) * dpr, dpr };
    root.dataset.plot = [m.l, m.t, w - m.l - m.r, h - m.t - m.b].map((v) => v.toFixed(2)).join(",");
    root.dataset.range = [...view.range.x, ...view.range.y].join(",");
  }
  const [x0, x1] = view.range.x, [y0, y1] = view.range.y;
  const sx = (x) => box.x + ((x - x0) / (x1 - x0)) * box.w;
  const sy = (y) => box.y + box.h - ((y - y0) / (y1 - y0)) * box.h;
  const ix = (px) => x0 + ((px - box.x) / box.w) * (x1 - x0);
  const iy = (py) => y0 + ((box.y + box.h - py) / box.h) * (y1 - y0);

  function points() {
    if (S.edited) return { X: S.edited.X_train, y: S.edited.y_train, flag: S.edited.flipped, n: S.edited.n };
    const d = view.data;
    return { X: Float64Array.from(d.X_train.flat()), y: d.y_train, flag: d.corrupted.map(Number), n: d.y_train.length };
  }

  let hot = null, last = null;
  function draw(force = false) {
    if (!box) size();
    const frame = S.frameAt(S.frontier);
    const live = !exact();
    root.dataset.frontier = String(S.frontier);
    root.dataset.live = live ? "1" : "0";
    root.dataset.edits = String(S.ops.length);
    root.dataset.run = String(S.run);
    if (S.times.firstFrame) root.dataset.firstFrameMs = (S.times.firstFrame - S.times.edit).toFixed(1);
    if (!force && last === frame) return;
    last = frame;
    counter.textContent = S.frontier < S.end ? `training: epoch ${S.frontier} / ${S.end}` : `after ${S.end} epochs`;
    const ctx = canvas.getContext("2d");
    const dpr = box.dpr;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    // axes
    ctx.strokeStyle = "#ddd";
    ctx.fillStyle = "#333";
    ctx.lineWidth = 1;
    ctx.font = `${font * dpr}px sans-serif`;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const v of niceTicks(y0, y1, 5)) {
      ctx.beginPath();
      ctx.moveTo(box.x, sy(v));
      ctx.lineTo(box.x + box.w, sy(v));
      ctx.stroke();
      ctx.fillText(tickText(v), box.x - 4 * dpr, sy(v));
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const v of niceTicks(x0, x1, 6)) ctx.fillText(tickText(v), sx(v), box.y + box.h + 4 * dpr);
    ctx.fillText(view.axes[0], box.x + box.w / 2, box.y + box.h + font * 1.35 * dpr);
    ctx.save();
    ctx.translate(font * 0.8 * dpr, box.y + box.h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(view.axes[1], 0, 0);
    ctx.restore();
    ctx.save();
    ctx.beginPath();
    ctx.rect(box.x, box.y, box.w, box.h);
    ctx.clip();
    // points: clean train circles, outliers x, test triangles
    const pts = points();
    const r = 4.2 * dpr;
    for (let i = 0; i < pts.n; i++) {
      const cx = sx(pts.X[i]), cy = sy(pts.y[i]);
      ctx.beginPath();
      ctx.lineWidth = 2 * dpr;
      if (pts.flag[i]) {
        ctx.strokeStyle = ROLE.outlier;
        ctx.moveTo(cx - r, cy - r);
        ctx.lineTo(cx + r, cy + r);
        ctx.moveTo(cx - r, cy + r);
        ctx.lineTo(cx + r, cy - r);
      } else {
        ctx.strokeStyle = ROLE.clean;
        ctx.arc(cx, cy, r, 0, 2 * Math.PI);
      }
      ctx.stroke();
    }
    ctx.strokeStyle = ROLE.test;
    ctx.lineWidth = 1.5 * dpr;
    view.data.X_test.forEach((row, i) => {
      const cx = sx(row[0]), cy = sy(view.data.y_test[i]);
      ctx.beginPath();
      ctx.moveTo(cx, cy - r);
      ctx.lineTo(cx + r, cy + 0.75 * r);
      ctx.lineTo(cx - r, cy + 0.75 * r);
      ctx.closePath();
      ctx.stroke();
    });
    if (hot !== null && hot < pts.n) {
      ctx.beginPath();
      ctx.arc(sx(pts.X[hot]), sy(pts.y[hot]), 10 * dpr, 0, 2 * Math.PI);
      ctx.strokeStyle = "#111";
      ctx.lineWidth = 2.5 * dpr;
      ctx.stroke();
    }
    // every loss's fit (its value at the middle of the x range, for the browser tests)
    if (frame && frame.curves) {
      const mid = Math.floor(view.grid.xs.length / 2);
      root.dataset.fitMid = frame.curves.map((c) => c[mid].toFixed(4)).join(",");
      view.panels.forEach((p, j) => {
        const xs = view.grid.xs;
        ctx.setLineDash(j % 2 ? [10 * dpr, 5 * dpr] : []);
        ctx.strokeStyle = p.color;
        ctx.lineWidth = 3.5 * dpr;
        strokeFinite(ctx, xs.length, frame.curves[j], (i, v) => [sx(xs[i]), sy(v)]);
      });
      ctx.setLineDash([]);
    }
    ctx.restore();
    // a lecture stop's marks (annotate.js), 20 CSS px
    drawAnnotations(ctx, annotationsFor(view.annotations, null), sx, sy, { l: box.x, t: box.y, r: box.x + box.w, b: box.y + box.h }, 20 * box.dpr);
    // readouts: the clean-test RMSE of each fit, core's for the view as loaded
    view.panels.forEach((p, j) => {
      const dv = exact() ? view.exact.diverged[j] : S.diverged[j];
      const v = exact() ? view.exact.rmse[j] : S.scores?.test[j][S.frontier];
      readouts[j].textContent =
        dv !== null && dv !== undefined ? ` diverged at epoch ${dv}` : Number.isFinite(v) ? ` RMSE ${v.toFixed(3)}${live ? " · live" : ""}` : "";
    });
    const n = S.ops.length;
    let message = "";
    if (S.error) message = `These edits do not fit the data: ${S.error}`;
    else if (n && !inSync()) message = `Live: trained in your browser on the edited data (${n} edit${n === 1 ? "" : "s"}). The table and sentence below are for the view as loaded.`;
    else if (!view.exact) message = "Live: trained in your browser (float64).";
    status.show(message, n > 0 && !inSync(), live);
    if (frame && frame.run === S.run) root.dataset.ready = "1";
  }

  // gestures: drag a training point (x and target), add one, erase one
  const at = (ev) => {
    const rect = stack.getBoundingClientRect();
    const px = (ev.clientX - rect.left) * box.dpr, py = (ev.clientY - rect.top) * box.dpr;
    const clamp = (v, lo, hi) => Math.min(Math.max(v, lo), hi);
    return { px, py, x: clamp(ix(px), x0, x1), y: clamp(iy(py), y0, y1) };
  };
  const nearestPoint = (a, radius) => {
    const pts = points();
    let best = null, bd = (radius * box.dpr) ** 2;
    for (let i = 0; i < pts.n; i++) {
      const d2 = (sx(pts.X[i]) - a.px) ** 2 + (sy(pts.y[i]) - a.py) ** 2;
      if (d2 < bd) {
        bd = d2;
        best = i;
      }
    }
    return best;
  };
  let drag = null;
  stack.addEventListener(
    "touchstart",
    (ev) => {
      if (!S.engine || ev.touches.length !== 1) return;
      if (S.tool === "add" || nearestPoint(at(ev.touches[0]), 22) !== null) ev.preventDefault();
    },
    { passive: false },
  );
  stack.addEventListener("pointerdown", (ev) => {
    if (!S.engine || ev.button > 0) return;
    const a = at(ev);
    const q = (v) => S.engine.quantize(v);
    if (S.tool === "add") return change([...S.ops, ["a", q(a.x), q(a.y)]]);
    const i = nearestPoint(a, ev.pointerType === "touch" ? 22 : 12);
    if (i === null) return;
    ev.preventDefault();
    if (S.tool === "erase") return change([...S.ops, ["d", i]]);
    if (S.tool === "drag") {
      stack.setPointerCapture?.(ev.pointerId);
      drag = { i, base: S.ops, pending: null, raf: 0 };
      hot = i;
      root.dataset.dragging = "1";
    }
  });
  stack.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    const a = at(ev);
    drag.pending = ["m", drag.i, S.engine.quantize(a.x), S.engine.quantize(a.y)];
    if (!drag.raf) {
      drag.raf = requestAnimationFrame(() => {
        drag.raf = 0;
        if (!drag?.pending) return;
        S.setOps([...drag.base, drag.pending], "restart", 0);
        draw(true);
      });
    }
  });
  const end = () => {
    if (!drag) return;
    const done = drag;
    drag = null;
    hot = null;
    root.dataset.dragging = "0";
    if (done.pending) change([...done.base, done.pending]);
    else draw(true);
  };
  stack.addEventListener("pointerup", end);
  stack.addEventListener("pointercancel", end);

  let alive = true, raf = 0;
  function tick() {
    raf = 0;
    if (!alive) return;
    S.playhead = S.end;
    S.want(S.frontier);
    draw();
    // no clock here: the engine's messages (progress, frames) wake the loop, so an idle
    // player draws nothing
  }
  // this mount's listener: a rerun may mount the next player before this one is cleaned up,
  // and the cleanup must not take the next one's listener (the session would be let go)
  const listener = () => {
    if (!raf && alive) raf = requestAnimationFrame(tick);
  };
  S.listener = listener;
  const resize = new ResizeObserver(() => {
    size();
    draw(true);
  });
  resize.observe(stack);
  // the window's height alone changes the presenter-mode cap (no element resizes with it)
  const onWindow = () => {
    if (!view.present) return;
    size();
    draw(true);
  };
  window.addEventListener("resize", onWindow);
  size();
  draw(true);
  raf = requestAnimationFrame(tick);
  return keepLive(parentElement, () => {
    alive = false;
    if (raf) cancelAnimationFrame(raf);
    resize.disconnect();
    window.removeEventListener("resize", onWindow);
    if (S.listener === listener) S.listener = null;
    releaseLater(S);
    root.remove();
  });
}
