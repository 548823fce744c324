// Loss Lab playback: every panel on one epoch clock, in the browser (see ui/player.py).
//
// The payload arrives once per script run as bytes: a little-endian uint32 n, n bytes of
// JSON (the header), then a zlib stream (the frames). Decoded frames are kept per payload id,
// and the clock per component key, so a rerun (e.g. after a pause put the epoch in the link)
// carries on where it was instead of starting again. Nothing is sent to the server while
// playing; pause, step and a released scrubber send the epoch once (when the page links it).
//
// Every piece of text from the payload (loss titles, class labels) goes into the DOM with
// textContent, never parsed as markup: class names can come from user CSVs.

// The bar, the clock and el() are in transport.js, which ui/player.py puts in front of this file.

const DECODED = new Map(); // payload id -> Promise<Uint8Array> (the inflated frames)

function parse(bytes) {
  const buf = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(buf.subarray(4, 4 + n)));
  return { header, body: buf.subarray(4 + n) };
}

async function inflate(body) {
  const stream = new Blob([body]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// Frames are stored as differences (along x, then between consecutive frames) so that zlib
// finds the repetition; undo both, in place, modulo 256 (Uint8Array arithmetic wraps).
function undelta(a, frames, rows, rowLen) {
  const per = rows * rowLen;
  for (let f = 1; f < frames; f++) {
    const o = f * per;
    for (let i = 0; i < per; i++) a[o + i] = (a[o + i] + a[o - per + i]) & 255;
  }
}

function undeltaX(a, frames, rows, cols, ch) {
  for (let f = 0; f < frames; f++) {
    for (let r = 0; r < rows; r++) {
      const o = (f * rows + r) * cols * ch;
      for (let c = 1; c < cols; c++) {
        for (let k = 0; k < ch; k++) {
          const i = o + c * ch + k;
          a[i] = (a[i] + a[i - ch]) & 255;
        }
      }
    }
  }
}

function pct(x) {
  return `${(100 * x).toFixed(1)}%`;
}

// -------------------------------------------------------------------------- surfaces

// One panel's picture in two native steps, cheap enough for 15+ frames per second on a phone:
// (1) each grid point coloured by its class (the largest value) and shaded by strength, as a
// raster (transport.js) that the canvas upscales with bilinear smoothing; (2) the boundary as
// a vector line, the zero level of "this class minus the best other" traced by marching
// squares with linear interpolation along the grid edges, so it is smooth at any size.

// v_k of grid point (r, c) (k = 1 of two classes is stored; v_0 = 1 - v_1)
function value(values, offset, grid, r, c, k) {
  const { cols, channels } = grid;
  if (channels === 1) {
    const v = values[offset + r * cols + c] / 255;
    return k === 1 ? v : 1 - v;
  }
  return values[offset + (r * cols + c) * channels + k] / 255;
}

function margin(values, offset, grid, r, c, k, K) {
  let other = -1;
  for (let j = 0; j < K; j++) if (j !== k) other = Math.max(other, value(values, offset, grid, r, c, j));
  return value(values, offset, grid, r, c, k) - other;
}

function drawSurface(ctx, size, raster, values, offset, grid, kind, classColors) {
  const { rows, cols } = grid;
  const K = classColors.length;
  const px = raster.image.data;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let best = 0, vmax = -1;
      for (let k = 0; k < K; k++) {
        const v = value(values, offset, grid, r, c, k);
        if (v > vmax) { vmax = v; best = k; }
      }
      let s = kind === "probability" ? (vmax - 1 / K) / (1 - 1 / K) : 2 * vmax - 1;
      s = Math.min(Math.max(s, 0), 1);
      const alpha = 0.05 + 0.5 * s;
      const col = classColors[best];
      const o = ((rows - 1 - r) * cols + c) * 4; // image row 0 is the top: the largest y
      px[o] = 255 + (col[0] - 255) * alpha;
      px[o + 1] = 255 + (col[1] - 255) * alpha;
      px[o + 2] = 255 + (col[2] - 255) * alpha;
      px[o + 3] = 255;
    }
  }
  // grid point centres sit at the middle of the image's pixels, as in the plot's domain
  raster.paint(ctx, 0, 0, size, size);

  const X = (c) => ((c + 0.5) / cols) * size;
  const Y = (r) => size - ((r + 0.5) / rows) * size;
  ctx.beginPath();
  const classes = K === 2 ? [1] : [...Array(K).keys()];
  for (const k of classes) {
    const f = (r, c) => margin(values, offset, grid, r, c, k, K);
    for (let r = 0; r + 1 < rows; r++) {
      for (let c = 0; c + 1 < cols; c++) {
        const a = f(r, c), b = f(r, c + 1), d = f(r + 1, c), e = f(r + 1, c + 1);
        const pts = [];
        // crossings on the four edges of the square (a b bottom, d e top)
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
  ctx.lineWidth = (2 * size) / 300;
  ctx.lineCap = "round";
  ctx.stroke();
}

function scaler(size, grid) {
  return {
    sx: (x) => ((x - grid.x[0]) / (grid.x[1] - grid.x[0])) * size,
    sy: (y) => size - ((y - grid.y[0]) / (grid.y[1] - grid.y[0])) * size,
    scale: size / 300, // sizes are Vega-Lite areas (px^2) for a 300 px panel
  };
}

// training dots, sized by the frame's |dL/dz| weights (redrawn every frame)
function drawPoints(ctx, size, pts, grid, weights, woff, drive, classHex) {
  const { sx, sy, scale } = scaler(size, grid);
  const n = pts.train.x.length;
  // one path per class (a few canvas calls per frame, not a few per point)
  for (let k = 0; k < classHex.length; k++) {
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      if (pts.train.label[i] !== k) continue;
      const area = drive ? 4 + (196 * weights[woff + i]) / 255 : 36;
      const r = Math.sqrt(area / Math.PI) * scale;
      const cx = sx(pts.train.x[i]), cy = sy(pts.train.y[i]);
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
}

// test triangles and flipped-label crosses: the same in every frame, drawn once on a layer
// above the training dots
function drawStatic(ctx, size, pts, grid, classHex) {
  const { sx, sy, scale } = scaler(size, grid);
  const n = pts.train.x.length;
  ctx.clearRect(0, 0, size, size);
  ctx.lineWidth = 1.6 * scale;
  const t = 4.5 * scale;
  for (let k = 0; k < classHex.length; k++) {
    ctx.beginPath();
    for (let i = 0; i < pts.test.x.length; i++) {
      if (pts.test.label[i] !== k) continue;
      const cx = sx(pts.test.x[i]), cy = sy(pts.test.y[i]);
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
  for (let i = 0; i < n; i++) {
    if (!pts.train.flipped[i]) continue;
    const cx = sx(pts.train.x[i]), cy = sy(pts.train.y[i]);
    ctx.moveTo(cx - h, cy - h);
    ctx.lineTo(cx + h, cy + h);
    ctx.moveTo(cx - h, cy + h);
    ctx.lineTo(cx + h, cy - h);
  }
  ctx.stroke();
}

// -------------------------------------------------------------------------- curves

function drawCurves(canvas, header, frame) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  const dpr = canvas.dpr || 1; // set when sized: reading clientWidth here would force a layout
  const m = { l: 48 * dpr, r: 10 * dpr, t: 12 * dpr, b: 34 * dpr };
  const c = header.curves;
  const E = header.epochs[header.epochs.length - 1] || 1;
  const lo = c.ymin;
  const label = (v) => `${Math.round(v * 100)}%`;
  const { X, Y } = chartFrame(ctx, { W, H, m, dpr, font: 13, dy: 4, x: [0, E], y: [lo, 1], label });
  ctx.fillText("0", m.l - 3 * dpr, H - m.b + 16 * dpr);
  const last = String(E);
  ctx.fillText(last, W - m.r - ctx.measureText(last).width, H - m.b + 16 * dpr);
  ctx.fillText("epoch", (W - ctx.measureText("epoch").width) / 2, H - 6 * dpr);
  header.panels.forEach((p, j) => {
    for (const [series, dash] of [["train", []], ["test", [6 * dpr, 4 * dpr]]]) {
      const ys = c[series][j];
      ctx.beginPath();
      ctx.setLineDash(dash);
      ctx.strokeStyle = p.color;
      ctx.lineWidth = 2.5 * dpr;
      let pen = false; // a diverged run's curve stops (null) where its history does
      c.epochs.forEach((e, i) => {
        if (ys[i] === null) {
          pen = false;
          return;
        }
        if (pen) ctx.lineTo(X(e), Y(ys[i]));
        else ctx.moveTo(X(e), Y(ys[i]));
        pen = true;
      });
      ctx.stroke();
    }
  });
  ctx.setLineDash([]);
  const e = header.epochs[frame];
  ctx.strokeStyle = "#222";
  ctx.lineWidth = 1.5 * dpr;
  ctx.beginPath();
  ctx.moveTo(X(e), m.t);
  ctx.lineTo(X(e), H - m.b);
  ctx.stroke();
  header.panels.forEach((p) => {
    for (const v of [p.train[frame], p.test[frame]]) {
      ctx.beginPath();
      ctx.arc(X(e), Y(Math.max(v, lo)), 4.5 * dpr, 0, 2 * Math.PI);
      ctx.fillStyle = p.color;
      ctx.fill();
      ctx.strokeStyle = "#fff";
      ctx.stroke();
    }
  });
}

// -------------------------------------------------------------------------- the player

export default function (component) {
  const { data, parentElement, setTriggerValue, key } = component;
  if (!data) return undefined;
  const { header, body } = parse(data);
  replaceLive(parentElement);
  const root = el("div", "ll-player");
  root.dataset.ready = "0";
  parentElement.appendChild(root);
  hideFallback(header.fallback);

  const F = header.epochs.length;
  // a new payload, or the server's epoch moved (its scrubber, a link): show that epoch
  const startFrame = Math.max(0, header.epochs.indexOf(header.epoch));
  const clock = clockFor(key, `${header.id}@${header.epoch}`, startFrame);
  const controls = transport(root, clock, {
    F,
    fps: header.fps,
    what: "epoch",
    unit: "snapshot",
    label: "epoch",
    show,
    settle: link,
  });
  root.appendChild(controls.bar);

  const legend = el("div", "ll-legend");
  const classHex = header.classes.map((c) => c.color);
  header.classes.forEach((c) => legend.appendChild(legendKey(c.label, c.color)));
  legend.appendChild(el("span", "ll-note", header.note));
  root.appendChild(legend);

  const main = el("div", "ll-main");
  const grid = el("div", "ll-panels");
  main.appendChild(grid);
  root.appendChild(main);
  const size = header.raster;
  const panels = header.panels.map((p) => {
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
    const layer = el("canvas", "ll-canvas ll-layer");
    canvas.width = canvas.height = layer.width = layer.height = size;
    drawStatic(layer.getContext("2d"), size, header.points, header.grid, classHex);
    stack.append(canvas, layer);
    fig.append(title, stack);
    grid.appendChild(fig);
    return { p, score, ctx: canvas.getContext("2d"), raster: makeRaster(header.grid.rows, header.grid.cols) };
  });

  let curves = null;
  if (header.curves) {
    const box = el("div", "ll-curves");
    box.appendChild(el("div", "ll-curves-title", header.curves.title));
    curves = el("canvas", "ll-curve-canvas");
    box.appendChild(curves);
    const keys = el("div", "ll-legend");
    header.panels.forEach((p) => keys.appendChild(legendKey(p.title, p.color, "ll-line")));
    keys.append(legendKey("train", null, "ll-line ll-solid"), legendKey("test", null, "ll-line ll-dashed"));
    box.appendChild(keys);
    main.appendChild(box);
  }

  // ---- drawing
  let frames = null;
  const chan = header.grid.channels;
  const perValues = header.grid.rows * header.grid.cols * chan;
  const nTrain = header.points.train.x.length;
  const classRgb = header.classes.map((c) => rgb(c.color));

  function sizeCurves() {
    if (!curves) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(200, curves.clientWidth || 300);
    curves.dpr = dpr;
    curves.width = Math.round(w * dpr);
    curves.height = Math.round(Math.min(320, Math.max(200, w * 0.7)) * dpr);
  }

  function show(f, counter) {
    const epoch = header.epochs[f];
    counter.textContent = `epoch ${epoch} / ${header.epochs[F - 1]}`;
    root.dataset.epoch = String(epoch);
    const t0 = performance.now();
    let tSurface = 0, tPoints = 0;
    panels.forEach((q, j) => {
      const p = q.p;
      q.score.textContent =
        p.diverged !== null && epoch >= p.diverged
          ? `diverged at epoch ${p.diverged}`
          : `test accuracy ${pct(p.test[f])}`;
      if (!frames) return;
      const base = j * F * (perValues + nTrain);
      const t1 = performance.now();
      drawSurface(q.ctx, size, q.raster, frames, base + f * perValues, header.grid, p.kind, classRgb);
      const t2 = performance.now();
      const woff = base + F * perValues + f * nTrain;
      drawPoints(q.ctx, size, header.points, header.grid, frames, woff, header.drive, classHex);
      drawAnnotations(q.ctx, annotationsFor(header.annotations, p.name), scaler(size, header.grid).sx, scaler(size, header.grid).sy, { l: 0, t: 0, r: size, b: size }, (20 * size) / Math.max(1, q.ctx.canvas.clientWidth));
      tSurface += t2 - t1;
      tPoints += performance.now() - t2;
    });
    const t3 = performance.now();
    if (curves) drawCurves(curves, header, f);
    // how long this frame took to draw, for the benchmark (benchmarks/pages.py)
    root.dataset.drawMs = [performance.now() - t0, tSurface, tPoints, performance.now() - t3]
      .map((t) => t.toFixed(1))
      .join(",");
  }

  function link() {
    if (!header.link) return;
    const epoch = header.epochs[clock.frame];
    setTriggerValue("epoch", epoch);
    // The page's epoch widget is bound to the URL, but Streamlit writes a value set on the
    // server into the URL only with the next request; write it now (after Streamlit's own
    // write for this request), dropped at the default (the last epoch) as the binding does.
    setTimeout(() => {
      const url = new URL(window.location.href);
      if (epoch === header.epochs[F - 1]) url.searchParams.delete(header.link);
      else url.searchParams.set(header.link, String(epoch));
      window.history.replaceState(window.history.state, "", url);
    }, 0);
  }

  const resize = new ResizeObserver(() => {
    sizeCurves();
    if (curves) drawCurves(curves, header, clock.frame);
  });
  if (curves) resize.observe(curves);

  sizeCurves();
  controls.draw();
  let decoded = DECODED.get(header.id);
  if (!decoded) {
    decoded = inflate(body).then((a) => {
      // per panel: F surfaces (delta-coded along x, then frames), then F weight rows
      const { rows, cols } = header.grid;
      for (let j = 0; j < header.panels.length; j++) {
        const base = j * F * (perValues + nTrain);
        const vals = a.subarray(base, base + F * perValues);
        undeltaX(vals, F, rows, cols, chan);
        undelta(vals, F, rows, cols * chan);
        undelta(a.subarray(base + F * perValues, base + F * (perValues + nTrain)), F, 1, nTrain);
      }
      return a;
    });
    DECODED.clear(); // one payload per page is enough to keep
    DECODED.set(header.id, decoded);
  }
  let alive = true;
  decoded.then((a) => {
    if (!alive) return;
    frames = a;
    root.dataset.ready = "1";
    controls.draw();
    controls.resume();
  });

  return keepLive(parentElement, () => {
    alive = false;
    controls.stop();
    resize.disconnect();
    root.remove();
  });
}
