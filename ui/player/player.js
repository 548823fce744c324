// Loss Lab live boundaries (see ui/player.py): every loss's decision surface, accuracy and
// per-point gradient size on one epoch clock, trained in the browser as it plays; the training
// points can be added, dragged, relabelled and erased, and every loss retrains at once.
//
// The data arrive as JSON once per script run (the view as loaded, the configs, the grid); the
// training lives in a session per component key (host.js), so a rerun (a pause puts the epoch
// in the link) carries on where it was. Nothing is sent to the server while playing, scrubbing
// or editing; a pause, a step, a released scrubber or "Compute exactly" sends the epoch and the
// edits once (when the page links them).
//
// Every piece of text from the payload (loss titles, class labels, column names) goes into the
// DOM with textContent, never parsed as markup: class and column names can come from user CSVs.
//
// The root .ll-player reports for the browser tests and benchmarks: data-ready (first frame
// drawn), data-frame / data-epoch (the epoch shown), data-playing, data-drawn (frames drawn
// while playing or training), data-frontier (epochs trained), data-live (numbers shown are the
// browser's), data-parity (epochs where the browser's accuracies differ from core's / compared),
// data-first-frame-ms (from the last edit to its first frame), data-where (worker or page),
// data-plot and data-extent (where data coordinates land on a panel), data-edits (how many),
// data-first-draw-ms and data-play-frame-ms (an edit, or Play, to the first frame drawn after).

function pct(x) {
  return `${(100 * x).toFixed(1)}%`;
}

// the payload's spec for the engine (live.js LiveRun)
function specOf(view) {
  return { task: view.task, data: view.data, configs: view.configs, formulas: view.formulas, kinds: view.panels.map((p) => p.kind), grid: { xs: view.grid.xs, ys: view.grid.ys } };
}

// ---------------------------------------------------------------------------- surfaces

// v_k of grid point (r, c) (two classes keep v_1; v_0 = 1 - v_1)
function value(values, grid, r, c, k) {
  const { cols, channels } = grid;
  if (channels === 1) {
    const v = values[r * cols + c] / 255;
    return k === 1 ? v : 1 - v;
  }
  return values[(r * cols + c) * channels + k] / 255;
}

function marginAt(values, grid, r, c, k, K) {
  let other = -1;
  for (let j = 0; j < K; j++) if (j !== k) other = Math.max(other, value(values, grid, r, c, j));
  return value(values, grid, r, c, k) - other;
}

// One panel's surface in two native steps: each grid point coloured by its class (the largest
// value) and shaded by strength (core.boundaries.strength, the shading constants the page
// sends), as a raster the canvas upscales with bilinear smoothing; then the boundary, the zero
// level of "this class minus the best other" traced by marching squares, as a vector line.
function drawSurface(ctx, box, raster, values, grid, kind, classRgb, shade) {
  const { rows, cols } = grid;
  const step = grid.step ?? 1;
  const K = classRgb.length;
  const px = raster.image.data;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let best = 0, vmax = -1;
      for (let k = 0; k < K; k++) {
        const v = value(values, grid, r, c, k);
        if (v > vmax) {
          vmax = v;
          best = k;
        }
      }
      let s = kind === "probability" ? (vmax - 1 / K) / (1 - 1 / K) : 2 * vmax - 1;
      s = Math.min(Math.max(s, 0), 1);
      const alpha = shade.floor + shade.scale * s;
      const col = classRgb[best];
      const o = ((rows - 1 - r) * cols + c) * 4; // image row 0 is the top: the largest y
      px[o] = 255 + (col[0] - 255) * alpha;
      px[o + 1] = 255 + (col[1] - 255) * alpha;
      px[o + 2] = 255 + (col[2] - 255) * alpha;
      px[o + 3] = 255;
    }
  }
  // grid point (r, c) is point (step r, step c) of the whole grid, whose cells fill the box;
  // a coarse raster's pixel centres sit on those points, so its rectangle starts half a fine
  // cell before the box (and the box clips it)
  const fx = box.w / (cols * step), fy = box.h / (rows * step);
  ctx.save();
  ctx.beginPath();
  ctx.rect(box.x, box.y, box.w, box.h);
  ctx.clip();
  const off = (step - 1) / 2;
  raster.paint(ctx, box.x - off * fx, box.y + off * fy, cols * step * fx, rows * step * fy);
  ctx.restore();
  const X = (c) => box.x + (step * c + 0.5) * fx;
  const Y = (r) => box.y + box.h - (step * r + 0.5) * fy;
  ctx.beginPath();
  const classes = K === 2 ? [1] : [...Array(K).keys()];
  for (const k of classes) {
    const f = (r, c) => marginAt(values, grid, r, c, k, K);
    for (let r = 0; r + 1 < rows; r++) {
      for (let c = 0; c + 1 < cols; c++) {
        const a = f(r, c), b = f(r, c + 1), d = f(r + 1, c), e = f(r + 1, c + 1);
        const pts = [];
        if ((a > 0) !== (b > 0)) pts.push([X(c + a / (a - b)), Y(r)]);
        if ((b > 0) !== (e > 0)) pts.push([X(c + 1), Y(r + b / (b - e))]);
        if ((d > 0) !== (e > 0)) pts.push([X(c + d / (d - e)), Y(r + 1)]);
        if ((a > 0) !== (d > 0)) pts.push([X(c), Y(r + a / (a - d))]);
        for (let i = 0; i + 1 < pts.length; i += 2) {
          ctx.moveTo(pts[i][0], pts[i][1]);
          ctx.lineTo(pts[i + 1][0], pts[i + 1][1]);
        }
      }
    }
  }
  ctx.strokeStyle = "rgba(34, 34, 34, 0.9)";
  ctx.lineWidth = (2 * box.w) / 300;
  ctx.lineCap = "round";
  ctx.stroke();
}

// data <-> canvas pixels inside the plot box
function scaler(box, grid) {
  return {
    sx: (x) => box.x + ((x - grid.x[0]) / (grid.x[1] - grid.x[0])) * box.w,
    sy: (y) => box.y + box.h - ((y - grid.y[0]) / (grid.y[1] - grid.y[0])) * box.h,
    ix: (px) => grid.x[0] + ((px - box.x) / box.w) * (grid.x[1] - grid.x[0]),
    iy: (py) => grid.y[0] + ((box.y + box.h - py) / box.h) * (grid.y[1] - grid.y[0]),
    scale: box.w / 300, // sizes are Vega-Lite areas (px^2) for a 300 px panel
  };
}

// training dots, sized by the frame's |dL/dz| weights (one path per class)
function drawPoints(ctx, box, pts, grid, weights, drive, classHex, hot) {
  const { sx, sy, scale } = scaler(box, grid);
  const n = pts.n;
  const sized = drive && weights && weights.length === n;
  for (let k = 0; k < classHex.length; k++) {
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      if (pts.y[i] !== k) continue;
      const area = sized ? 4 + (196 * weights[i]) / 255 : 36;
      const r = Math.sqrt(area / Math.PI) * scale;
      const cx = sx(pts.X[2 * i]), cy = sy(pts.X[2 * i + 1]);
      ctx.moveTo(cx + r, cy);
      ctx.arc(cx, cy, r, 0, 2 * Math.PI);
    }
    ctx.globalAlpha = 0.9;
    ctx.fillStyle = classHex[k];
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.lineWidth = 0.5 * scale;
    ctx.strokeStyle = "#ffffff";
    ctx.stroke();
  }
  if (hot !== null && hot < n) {
    // the point being dragged: a ring
    ctx.beginPath();
    ctx.arc(sx(pts.X[2 * hot]), sy(pts.X[2 * hot + 1]), 9 * scale, 0, 2 * Math.PI);
    ctx.lineWidth = 2.5 * scale;
    ctx.strokeStyle = "#111";
    ctx.stroke();
  }
}

// test triangles, flipped-label crosses and the axes: a layer above the training dots, drawn
// again only when the data or the size change
function drawStatic(ctx, W, H, box, view, pts, classHex, font) {
  const grid = view.grid;
  const { sx, sy, scale } = scaler(box, grid);
  ctx.clearRect(0, 0, W, H);
  ctx.lineWidth = 1.6 * scale;
  const t = 4.5 * scale;
  const test = view.data;
  for (let k = 0; k < classHex.length; k++) {
    ctx.beginPath();
    for (let i = 0; i < test.y_test.length; i++) {
      if (test.y_test[i] !== k) continue;
      const cx = sx(test.X_test[i][0]), cy = sy(test.X_test[i][1]);
      ctx.moveTo(cx, cy - t);
      ctx.lineTo(cx + t, cy + t * 0.75);
      ctx.lineTo(cx - t, cy + t * 0.75);
      ctx.closePath();
    }
    ctx.strokeStyle = classHex[k];
    ctx.stroke();
  }
  ctx.strokeStyle = "#000000";
  ctx.lineWidth = 1.8 * scale;
  const h = 3.5 * scale;
  ctx.beginPath();
  for (let i = 0; i < pts.n; i++) {
    if (!pts.flipped[i]) continue;
    const cx = sx(pts.X[2 * i]), cy = sy(pts.X[2 * i + 1]);
    ctx.moveTo(cx - h, cy - h);
    ctx.lineTo(cx + h, cy + h);
    ctx.moveTo(cx - h, cy + h);
    ctx.lineTo(cx + h, cy - h);
  }
  ctx.stroke();
  // axes: a frame, round ticks and the columns' names
  ctx.strokeStyle = "#888";
  ctx.lineWidth = 1;
  ctx.strokeRect(box.x, box.y, box.w, box.h);
  ctx.fillStyle = "#333";
  ctx.font = `${font}px sans-serif`;
  ctx.textBaseline = "top";
  ctx.textAlign = "center";
  for (const v of niceTicks(grid.x[0], grid.x[1], 4)) {
    const x = sx(v);
    ctx.beginPath();
    ctx.moveTo(x, box.y + box.h);
    ctx.lineTo(x, box.y + box.h + font * 0.3);
    ctx.stroke();
    ctx.fillText(tickText(v), x, box.y + box.h + font * 0.35);
  }
  ctx.fillText(view.axes[0], box.x + box.w / 2, box.y + box.h + font * 1.45);
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const v of niceTicks(grid.y[0], grid.y[1], 4)) {
    const y = sy(v);
    ctx.beginPath();
    ctx.moveTo(box.x, y);
    ctx.lineTo(box.x - font * 0.3, y);
    ctx.stroke();
    ctx.fillText(tickText(v), box.x - font * 0.4, y);
  }
  ctx.save();
  ctx.translate(font * 0.7, box.y + box.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = "center";
  ctx.fillText(view.axes[1] ?? "", 0, 0);
  ctx.restore();
}

// ---------------------------------------------------------------------------- curves

function drawCurves(canvas, S, view, shown, upTo, scoresOf) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  const dpr = canvas.dpr || 1;
  const font = (view.present ? 18 : 13) * dpr;
  const m = { l: font * 3.2, r: font * 1.3, t: 12 * dpr, b: font * 2.6 }; // the last tick fits
  const E = S.end || 1;
  // round ticks: steps of 10 points (20 when the range is wide) from a round low end
  let low = 1;
  view.panels.forEach((_, j) => {
    for (const split of ["train", "test"]) {
      const a = scoresOf(split, j);
      for (let e = 0; e <= Math.min(upTo, a.length - 1); e++) if (Number.isFinite(a[e])) low = Math.min(low, a[e]);
    }
  });
  const stepY = 1 - low > 0.5 ? 0.2 : 0.1;
  const lo = Math.max(0, Math.floor(low / stepY - 1e-9) * stepY);
  const X = (x) => m.l + (x / E) * (W - m.l - m.r);
  const Y = (v) => H - m.b - ((v - lo) / (1 - lo)) * (H - m.t - m.b);
  ctx.clearRect(0, 0, W, H);
  ctx.font = `${font}px sans-serif`;
  ctx.fillStyle = "#333";
  ctx.strokeStyle = "#ddd";
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (let v = lo; v <= 1 + 1e-9; v += stepY) {
    ctx.beginPath();
    ctx.moveTo(m.l, Y(v));
    ctx.lineTo(W - m.r, Y(v));
    ctx.stroke();
    ctx.fillText(`${Math.round(v * 100)}%`, m.l - 4 * dpr, Y(v));
  }
  ctx.textBaseline = "top";
  ctx.textAlign = "center";
  for (const e of niceTicks(0, E, 3)) ctx.fillText(String(e), X(e), H - m.b + 4 * dpr);
  ctx.fillText("epoch", (m.l + W - m.r) / 2, H - m.b + font * 1.25);
  view.panels.forEach((p, j) => {
    for (const [split, dash] of [["train", []], ["test", [6 * dpr, 4 * dpr]]]) {
      const a = scoresOf(split, j);
      ctx.setLineDash(dash);
      ctx.strokeStyle = p.color;
      ctx.lineWidth = (view.present ? 3.5 : 2.5) * dpr;
      strokeFinite(ctx, Math.min(upTo, a.length - 1) + 1, a, (e, v) => [X(e), Y(v)]);
    }
  });
  ctx.setLineDash([]);
  ctx.strokeStyle = "#222";
  ctx.lineWidth = 1.5 * dpr;
  ctx.beginPath();
  ctx.moveTo(X(shown), m.t);
  ctx.lineTo(X(shown), H - m.b);
  ctx.stroke();
  view.panels.forEach((p, j) => {
    for (const split of ["train", "test"]) {
      const v = scoresOf(split, j)[shown];
      if (!Number.isFinite(v)) continue;
      ctx.beginPath();
      ctx.arc(X(shown), Y(Math.max(v, lo)), 4.5 * dpr, 0, 2 * Math.PI);
      ctx.fillStyle = p.color;
      ctx.fill();
      ctx.strokeStyle = "#fff";
      ctx.stroke();
    }
  });
}

// ---------------------------------------------------------------------------- the player

export default function (component) {
  const { parentElement, setTriggerValue, key } = component;
  const view = viewOf(component.data);
  if (!view) return undefined;
  replaceLive(parentElement);
  const root = el("div", "ll-player");
  if (view.present) root.classList.add("ll-present");
  root.dataset.ready = "0";
  root.dataset.drawn = "0";
  parentElement.appendChild(root);
  hideFallback(view.fallback);

  const S = liveSession(key, view, specOf);
  root.dataset.where = S.trainer.where;
  if (!KEYS.owner || KEYS.owner.disposed || KEYS.owner === S) KEYS.owner = S;
  listenKeys();
  const K = view.classes.length;
  const classHex = view.classes.map((c) => c.color);
  const classRgb = classHex.map(rgb);
  const grid = { rows: view.grid.ys.length, cols: view.grid.xs.length, channels: K === 2 ? 1 : K, x: view.grid.x, y: view.grid.y };
  const link = view.link;

  // ---- which numbers: core's (the view as loaded, computed on the server) or the browser's
  const inSync = () => !S.continued && (S.engine ? S.text() : S.view.edits) === view.edits;
  const exact = () => Boolean(view.exact) && inSync();
  const scoresOf = (split, j) => {
    if (exact()) return view.exact[split][j];
    return S.scores ? S.scores[split][j] : [];
  };
  const divergedAt = (j) => (exact() ? view.exact.diverged[j] : S.diverged[j]);

  function settle() {
    if (!link) return;
    const e = settleEpoch(view, S.playhead);
    if (e !== Math.round(S.playhead) && e <= S.end) S.playhead = e;
    const text = S.text();
    setTriggerValue("view", { epoch: e, edits: text });
    // Streamlit writes the server's values into the link with the next run; write them now
    setTimeout(() => {
      const url = new URL(window.location.href);
      if (e === view.epochs) url.searchParams.delete(link);
      else url.searchParams.set(link, String(e));
      if (text) url.searchParams.set("edits", text);
      else url.searchParams.delete("edits");
      window.history.replaceState(window.history.state, "", url);
    }, 0);
  }

  // the bar's and the keys' changes draw at once and wake the loop (a frame to ask for, a play)
  const controls = liveBar(root, S, { settle, redraw: () => (draw(true), S.listener?.()) });
  S.act = controls.act;


  const main = el("div", "ll-main");
  const panelsBox = el("div", "ll-panels");
  panelsBox.style.setProperty("--ll-n", String(view.panels.length));
  main.appendChild(panelsBox);
  root.appendChild(main);
  const panels = view.panels.map((p) => {
    const fig = el("figure", "ll-panel");
    fig.style.borderTopColor = p.color;
    const title = el("figcaption", "ll-title");
    const name = el("span", "ll-name", p.title);
    name.style.color = p.color;
    const score = el("span", "ll-score", "");
    const shade = el("span", "ll-shade", p.kind === "score" ? "shading: score" : "shading: probability");
    title.append(name, score, shade);
    const stack = el("div", "ll-stack");
    const canvas = el("canvas", "ll-canvas");
    // the layer above the dots (test points, flipped marks, axes) changes only with the data:
    // drawn once into a canvas off the page and copied over each frame (one canvas per panel
    // on the page: a software compositor copies every page canvas it is shown each frame)
    const layer = document.createElement("canvas");
    stack.append(canvas);
    fig.append(title, stack);
    panelsBox.appendChild(fig);
    const coarse = makeRaster(Math.ceil(grid.rows / 2), Math.ceil(grid.cols / 2));
    return { p, score, stack, canvas, layer, ctx: canvas.getContext("2d"), raster: makeRaster(grid.rows, grid.cols), coarse };
  });

  const curvesBox = el("div", "ll-curves");
  curvesBox.appendChild(el("div", "ll-curves-title", "Accuracy"));
  const curves = el("canvas", "ll-curve-canvas");
  curvesBox.appendChild(curves);
  const keys = el("div", "ll-legend");
  view.panels.forEach((p) => keys.appendChild(legendKey(p.title, p.color, "ll-line")));
  keys.append(legendKey("train", null, "ll-line ll-solid"), legendKey("test", null, "ll-line ll-dashed"));
  curvesBox.appendChild(keys);
  main.appendChild(curvesBox);

  // the status line (below the panels, so it never moves them): live or exact, and "Compute exactly" for edits the server has not seen
  const status = statusLine(root, {
    compute: () => {
      const e = settleEpoch(view, Math.min(S.playhead, view.epochs));
      setTriggerValue("view", { epoch: e, edits: S.text(), exact: true });
    },
  });

  const legend = el("div", "ll-legend");
  view.classes.forEach((c) => legend.appendChild(legendKey(c.label, c.color)));
  legend.appendChild(el("span", "ll-note", view.note));
  root.appendChild(legend);

  // edits: every loss retrains on the edited data, from the start or from here
  let tools = null;
  const change = (ops, mode = S.mode, from = S.display()) => {
    S.setOps(ops, mode, from);
    if (link) writeEditsToUrl(S.text());
    tools?.sync();
    S.statics = null;
    draw(true);
  };
  if (view.editable) {
    // in presenter mode the tools wait behind one button: the figure keeps the screen
    if (view.present) {
      const open = el("button", "ll-btn ll-edit-toggle", "✎ Edit the data");
      open.setAttribute("aria-expanded", "false");
      open.addEventListener("click", () => {
        const shown = tools.box.hidden;
        tools.box.hidden = !shown;
        open.setAttribute("aria-expanded", String(shown));
      });
      controls.bar.appendChild(open);
    }
    tools = editBar(root, S, {
      classes: view.classes,
      onChange: (ops, mode) => change(ops, mode ?? S.mode),
      outlier: () => {
        const at = outlierSpot();
        if (at) change([...S.ops, ["a", S.engine.quantize(at[0]), S.engine.quantize(at[1]), S.cls]]);
      },
    });
    if (view.present) tools.box.hidden = true;
  }


  // ---- sizes: canvases in device pixels, the plot box inside the axes' margins
  const font = view.present ? 18 : 12;
  // presenter mode: CSS px under the player that the first screen keeps for what follows it
  // (the page's "Who drives learning" switch and the first line of the takeaway; what the
  // player itself draws under its panels, the class legend and the status line, is measured),
  // and the smallest plot side the cap may leave
  const BELOW_PLAYER = 185, MIN_PLOT = 120;
  let box = null;
  function size() {
    const dpr = window.devicePixelRatio || 1;
    // the panel's width (not the stack's: a capped stack is narrower than its panel)
    const full = panels[0].stack.parentElement.clientWidth || panels[0].stack.clientWidth || 240;
    const m = { l: font * 3.1, r: 6, t: 6, b: font * 2.7 };
    // square plots as wide as the panel, in presenter mode no taller than the first screen
    // leaves them (presentCap): a view of two or three losses has wide panels, and square ones
    // would push the takeaway under the figure off a projector's screen
    const under = Math.max(0, root.getBoundingClientRect().bottom - main.getBoundingClientRect().bottom);
    const cap = presentCap(panels[0].stack, under + BELOW_PLAYER) - m.t - m.b;
    const plot = Math.max(60, Math.min(full - m.l - m.r, Math.max(MIN_PLOT, cap)));
    const w = Math.min(full, plot + m.l + m.r);
    const h = plot + m.t + m.b;
    box = { x: m.l * dpr, y: m.t * dpr, w: plot * dpr, h: plot * dpr, dpr, W: Math.round(w * dpr), H: Math.round(h * dpr) };
    for (const q of panels) {
      q.stack.style.height = `${h}px`;
      q.stack.style.width = w < full - 0.5 ? `${w}px` : "";
      q.canvas.width = q.layer.width = box.W;
      q.canvas.height = q.layer.height = box.H;
    }
    const cw = Math.max(200, curves.clientWidth || 300);
    curves.dpr = dpr;
    curves.width = Math.round(cw * dpr);
    const tall = Math.min(view.present ? 420 : 320, Math.max(200, Math.min(cw * 0.8, h + 40)));
    // capped panels: the accuracy curves beside them no taller (their column sets the row's height)
    curves.height = Math.round((plot < full - m.l - m.r ? Math.min(tall, h) : tall) * dpr);
    S.statics = null;
    // where data coordinates land (CSS px inside each panel's .ll-stack), for the browser tests
    root.dataset.plot = [m.l, m.t, plot, plot].map((v) => v.toFixed(2)).join(",");
    root.dataset.tickPx = String(font); // the canvases' tick labels, CSS px
    root.dataset.extent = [...view.grid.x, ...view.grid.y].join(",");
  }

  // the training points now (the edited data; the data as loaded until the engine is in)
  function points() {
    if (S.edited) return { X: S.edited.X_train, y: S.edited.y_train, flipped: S.edited.flipped, n: S.edited.n };
    const d = view.data;
    return { X: Float64Array.from(d.X_train.flat()), y: d.y_train, flipped: d.corrupted.map(Number), n: d.y_train.length };
  }

  let hot = null; // the point being dragged
  let last = { epoch: -1, frame: null, run: -1, live: null };
  function draw(force = false) {
    if (!box) size();
    const d = S.display();
    const frame = S.frameAt(d);
    controls.draw(frame ? frame.epoch : d);
    const live = !exact();
    const shownEpoch = String(frame ? frame.epoch : d);
    setData(root, "frame", shownEpoch);
    setData(root, "epoch", shownEpoch);
    setData(root, "playing", S.playing ? "1" : "0");
    setData(root, "frontier", String(S.frontier));
    setData(root, "live", live ? "1" : "0");
    setData(root, "run", String(S.run));
    if (S.times.firstFrame) root.dataset.firstFrameMs = (S.times.firstFrame - S.times.edit).toFixed(1);
    if (!force && last.frame === frame && last.run === S.run && last.statics === S.statics) return false;
    const t0 = performance.now();
    const pts = points();
    if (!S.statics) {
      for (const q of panels) drawStatic(q.layer.getContext("2d"), box.W, box.H, box, view, pts, classHex, font * box.dpr);
      S.statics = {};
    }
    const shown = frame ? frame.epoch : d;
    panels.forEach((q, j) => {
      const dv = divergedAt(j);
      const acc = scoresOf("test", j)[shown];
      setText(
        q.score,
        dv !== null && dv !== undefined && shown >= dv
          ? `diverged at epoch ${dv}`
          : Number.isFinite(acc)
            ? `test accuracy ${pct(acc)}${live ? " · live" : ""}`
            : "test accuracy —",
      );
      q.ctx.clearRect(0, 0, box.W, box.H);
      if (frame) {
        const g = { ...grid, ...frame.grid };
        drawSurface(q.ctx, box, g.step === 1 ? q.raster : q.coarse, frame.values[j], g, q.p.kind, classRgb, view.shade);
      }
      drawPoints(q.ctx, box, pts, view.grid, frame && frame.run === S.run ? frame.weights[j] : null, view.drive, classHex, hot);
      q.ctx.drawImage(q.layer, 0, 0);
      // a lecture stop's marks (annotate.js), 20 CSS px at any canvas size
      const sc = scaler(box, view.grid);
      drawAnnotations(q.ctx, annotationsFor(view.annotations, q.p.name), sc.sx, sc.sy, { l: box.x, t: box.y, r: box.x + box.w, b: box.y + box.h }, 20 * box.dpr);
    });
    drawCurves(curves, S, view, shown, S.whole ? (exact() ? view.epochs : S.frontier) : shown, scoresOf);
    // the status line
    const edits = S.ops.length;
    let message = "";
    if (S.error) message = `These edits do not fit the data: ${S.error}`;
    else if (S.continued) message = `Live: continued from the current weights on edited data (${edits} edit${edits === 1 ? "" : "s"}). A link holds the data, not this training: the server retrains from the start.`;
    else if (edits && !inSync()) message = `Live: trained in your browser on the edited data (${edits} edit${edits === 1 ? "" : "s"}). The sentence and table below are for the view as loaded.`;
    else if (!view.exact) message = "Live: trained in your browser (float64, the computation the server does).";
    status.show(message, Boolean(link) && (S.continued || (edits > 0 && !inSync())), live);
    parity();
    last = { frame, run: S.run, statics: S.statics };
    root.dataset.drawMs = (performance.now() - t0).toFixed(1); // this frame's drawing, ms
    if (frame && frame.run === S.run) root.dataset.ready = "1";
    // for the benchmark: from an edit, and from Play, to the first frame drawn after it
    const now = performance.now();
    if (frame && frame.run === S.run && S.times.edit && !S.times.firstDrawn) {
      S.times.firstDrawn = now;
      root.dataset.firstDrawMs = (now - S.times.edit).toFixed(1);
    }
    if (frame && frame.epoch === d && S.times.play && !S.times.playDrawn) {
      S.times.playDrawn = now;
      root.dataset.playFrameMs = (now - S.times.play).toFixed(1);
    }
    return true;
  }

  // where the browser's accuracies and core's differ (the view as loaded; tests read it)
  function parity() {
    if (!view.exact || !inSync() || !S.scores) return;
    let off = 0, n = 0;
    for (const split of ["train", "test"]) {
      view.exact[split].forEach((a, j) => {
        for (let e = 0; e <= Math.min(S.frontier, a.length - 1); e++) {
          if (a[e] === null) continue;
          n++;
          if (S.scores[split][j][e] !== a[e]) off++;
        }
      });
    }
    root.dataset.parity = `${off}/${n}`;
  }

  // ---- an outlier: a point of the chosen class where its class is farthest away (the grid
  // point whose nearest point of that class is the most distant)
  function outlierSpot() {
    if (!S.engine) return null;
    const pts = points();
    let best = null, bestD = -1;
    for (const gx of view.grid.xs) {
      for (const gy of view.grid.ys) {
        let dmin = Infinity;
        for (let i = 0; i < pts.n; i++) {
          if (pts.y[i] !== S.cls) continue;
          dmin = Math.min(dmin, (pts.X[2 * i] - gx) ** 2 + (pts.X[2 * i + 1] - gy) ** 2);
        }
        if (dmin > bestD) {
          bestD = dmin;
          best = [gx, gy];
        }
      }
    }
    return best;
  }

  // ---- gestures: on any panel, with a mouse or a finger
  function dataAt(q, ev) {
    const rect = q.stack.getBoundingClientRect();
    const px = (ev.clientX - rect.left) * box.dpr, py = (ev.clientY - rect.top) * box.dpr;
    const s = scaler(box, view.grid);
    const clamp = (v, lo, hi) => Math.min(Math.max(v, lo), hi);
    return { x: clamp(s.ix(px), view.grid.x[0], view.grid.x[1]), y: clamp(s.iy(py), view.grid.y[0], view.grid.y[1]), px, py, s };
  }
  function nearest(at, radius) {
    const pts = points();
    let best = null, bd = (radius * box.dpr) ** 2;
    for (let i = 0; i < pts.n; i++) {
      const dx = at.s.sx(pts.X[2 * i]) - at.px, dy = at.s.sy(pts.X[2 * i + 1]) - at.py;
      const d2 = dx * dx + dy * dy;
      if (d2 < bd) {
        bd = d2;
        best = i;
      }
    }
    return best;
  }
  let drag = null;
  for (const q of panels) {
    if (!view.editable) break;
    const target = q.stack;
    // a touch that starts an edit must not scroll the page; any other touch scrolls it
    target.addEventListener(
      "touchstart",
      (ev) => {
        if (!S.engine || ev.touches.length !== 1) return;
        const t = ev.touches[0];
        const at = dataAt(q, t);
        if (S.tool === "add" || nearest(at, 22) !== null) ev.preventDefault();
      },
      { passive: false },
    );
    target.addEventListener("pointerdown", (ev) => {
      if (!S.engine || ev.button > 0) return;
      const at = dataAt(q, ev);
      const radius = ev.pointerType === "touch" ? 22 : 12;
      const qx = S.engine.quantize(at.x), qy = S.engine.quantize(at.y);
      if (S.tool === "add") {
        change([...S.ops, ["a", qx, qy, S.cls]]);
        return;
      }
      const i = nearest(at, radius);
      if (i === null) return;
      ev.preventDefault();
      if (S.tool === "flip") change([...S.ops, ["l", i, (points().y[i] + 1) % K]]);
      else if (S.tool === "erase") change([...S.ops, ["d", i]]);
      else if (S.tool === "drag") {
        target.setPointerCapture?.(ev.pointerId);
        drag = { q, i, base: S.ops, from: S.display(), mode: S.mode, moved: false, pending: null };
        hot = i;
        root.dataset.dragging = "1";
      }
    });
    target.addEventListener("pointermove", (ev) => {
      if (!drag || drag.q !== q) return;
      const at = dataAt(q, ev);
      drag.pending = ["m", drag.i, S.engine.quantize(at.x), S.engine.quantize(at.y)];
      if (!drag.raf) {
        // one retraining per animation frame, whatever the pointer's rate
        drag.raf = requestAnimationFrame(() => {
          drag.raf = 0;
          if (!drag?.pending) return;
          drag.moved = true;
          S.setOps([...drag.base, drag.pending], drag.mode, drag.from);
          S.statics = null;
          draw(true);
        });
      }
    });
    const end = () => {
      if (!drag || drag.q !== q) return;
      const done = drag;
      drag = null;
      hot = null;
      root.dataset.dragging = "0";
      if (done.pending) change([...done.base, done.pending], done.mode, done.from);
      else draw(true);
    };
    target.addEventListener("pointerup", end);
    target.addEventListener("pointercancel", end);
  }

  // ---- the loop: the clock, frames asked of the engine, drawing
  let alive = true, raf = 0;
  function tick(now) {
    raf = 0;
    if (!alive) return;
    const ended = clockTick(S, now);
    const d = S.display();
    S.want(d);
    const drawn = draw();
    if (drawn && (S.playing || S.frontier < S.end)) root.dataset.drawn = String(Number(root.dataset.drawn) + 1);
    if (ended) settle();
    // only a playing clock moves by itself: anything else that changes what is shown (the
    // engine's messages, the bar, the keys) wakes the loop, so an idle player draws nothing
    if (S.playing) raf = requestAnimationFrame(tick);
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
  // the window's height alone changes the presenter-mode cap (no element resizes with it)
  const onWindow = () => {
    if (!view.present) return;
    size();
    draw(true);
  };
  resize.observe(panelsBox);
  resize.observe(curves);
  resize.observe(controls.bar); // a bar that wraps or unwraps moves the panels (presentCap)
  resize.observe(legend); // so does the legend under them when it wraps
  window.addEventListener("resize", onWindow);
  size();
  tools?.sync();
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
