// Loss Lab descent playback (ui/player.py: descent_player, maps_player): every loss's
// gradient descent on one step clock, in the browser, in one of two views:
//   "curve": each loss's curve against one weight, a ball per loss rolling along it;
//   "maps":  each loss's (w, b) maps (mean loss, smallest Hessian eigenvalue) as rasters, the
//            path so far and a ball at the current step on every map.
// Nothing is sent to the server. Loss titles go into the DOM with textContent only.
// The bar, the clock and el() are in transport.js, which ui/player.py puts in front of this file.

function fmt(v) {
  if (Math.abs(v) < 1e-6) return "0";
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 || Math.abs(v) < 0.01 ? v.toPrecision(2) : v.toFixed(2);
}

// a ball: filled in the loss's colour, outlined in black so it shows on any background
function ball(ctx, x, y, r, color, dpr) {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.fillStyle = color;
  ctx.fill();
  ctx.strokeStyle = "#000";
  ctx.lineWidth = 1.5 * dpr;
  ctx.stroke();
}

// the points (xs[i], ys[i]) for i in 0..n-1 as one polyline, lifted where either is null
function polyline(ctx, xs, ys, n, X, Y) {
  ctx.beginPath();
  let pen = false;
  for (let i = 0; i < n; i++) {
    if (xs[i] === null || ys[i] === null) {
      pen = false;
      continue;
    }
    if (pen) ctx.lineTo(X(xs[i]), Y(ys[i]));
    else ctx.moveTo(X(xs[i]), Y(ys[i]));
    pen = true;
  }
}

// -------------------------------------------------------------------------- one weight

function curveView(data) {
  const canvas = el("canvas", "ll-descent-canvas");
  // y range from the curves (the balls stay on them)
  let lo = Infinity, hi = -Infinity, wlo = Infinity, whi = -Infinity;
  for (const l of data.losses) {
    for (const v of l.curve.v) if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    for (const w of l.curve.w) if (w !== null) { wlo = Math.min(wlo, w); whi = Math.max(whi, w); }
  }
  if (!(hi > lo)) hi = lo + 1;
  let dpr = 1;

  function resize(width) {
    dpr = window.devicePixelRatio || 1;
    const w = Math.max(260, width || 600);
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(Math.min(data.height || 420, Math.max(240, w * 0.45)) * dpr);
  }

  function draw(f) {
    const ctx = canvas.getContext("2d");
    const W = canvas.width, H = canvas.height;
    const m = { l: 56 * dpr, r: 12 * dpr, t: 12 * dpr, b: 40 * dpr };
    const font = data.font || 14;
    m.l = Math.max(m.l, 3.6 * font * dpr);
    m.b = Math.max(m.b, 2.9 * font * dpr);
    const frame = { W, H, m, dpr, font, dy: 5, x: [wlo, whi], y: [lo, hi], label: fmt };
    const { X, Y } = chartFrame(ctx, frame);
    for (const w of [wlo, (wlo + whi) / 2, whi]) {
      const t = fmt(w);
      const x = Math.min(Math.max(X(w) - ctx.measureText(t).width / 2, m.l), W - m.r - ctx.measureText(t).width);
      ctx.fillText(t, x, H - m.b + (font + 4) * dpr);
    }
    ctx.fillText(data.xlabel, (W - ctx.measureText(data.xlabel).width) / 2, H - 6 * dpr);
    for (const l of data.losses) {
      polyline(ctx, l.curve.w, l.curve.v, l.curve.w.length, X, Y);
      ctx.strokeStyle = l.color;
      ctx.lineWidth = 3 * dpr;
      ctx.stroke();
      // the trail so far, then the ball
      ctx.fillStyle = l.color;
      ctx.globalAlpha = 0.35;
      for (let i = 0; i < f; i++) {
        if (l.path.w[i] === null || l.path.v[i] === null) continue;
        ctx.beginPath();
        ctx.arc(X(l.path.w[i]), Y(l.path.v[i]), 3 * dpr, 0, 2 * Math.PI);
        ctx.fill();
      }
      ctx.globalAlpha = 1;
      const w = l.path.w[f], v = l.path.v[f];
      if (w !== null && v !== null) ball(ctx, X(w), Y(Math.min(Math.max(v, lo), hi)), 9 * dpr, l.color, dpr);
    }
    drawAnnotations(ctx, data.annotations, X, Y, { l: m.l, t: m.t, r: W - m.r, b: H - m.b }, 20 * dpr);
  }

  return {
    figure: canvas,
    resize,
    draw,
    readout: (l, f) => `w = ${fmt(l.path.w[f])}, loss ${fmt(l.path.v[f])}`,
  };
}

// -------------------------------------------------------------------------- (w, b) maps

// 256 colours interpolated between a scheme's stops (the payload's, from the Vega scheme)
function lut(stops) {
  const c = stops.map(rgb);
  const out = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (c.length - 1);
    const k = Math.min(Math.floor(t), c.length - 2), u = t - k;
    for (let j = 0; j < 3; j++) out[3 * i + j] = c[k][j] + (c[k + 1][j] - c[k][j]) * u;
  }
  return out;
}

// one map's picture without its path: the raster, axes, colour bar, optimum and start. Drawn
// once per size on its own canvas; each frame copies it and draws the path on top.
function drawMapBase(base, map, data, loss, box, dpr) {
  const ctx = base.getContext("2d");
  const { rows, cols } = data.grid;
  const colors = lut(map.stops);
  const raster = makeRaster(rows, cols);
  const bytes = Uint8Array.from(atob(map.cells), (ch) => ch.charCodeAt(0));
  const px = raster.image.data;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = bytes[r * cols + c];
      const o = ((rows - 1 - r) * cols + c) * 4; // image row 0 is the top: the largest b
      px[o] = colors[3 * v];
      px[o + 1] = colors[3 * v + 1];
      px[o + 2] = colors[3 * v + 2];
      px[o + 3] = 255;
    }
  }
  ctx.clearRect(0, 0, base.width, base.height);
  raster.paint(ctx, box.x, box.y, box.s, box.s);
  ctx.strokeStyle = "#bbb";
  ctx.lineWidth = 1;
  ctx.strokeRect(box.x, box.y, box.s, box.s);
  // axes: the map's edges and its centre, in the payload's font size (larger when presenting)
  const f = mapFont(data);
  ctx.font = `${f * dpr}px sans-serif`;
  ctx.fillStyle = "#333";
  const [wTicks, bTicks] = data.grid.ticks;
  for (const w of wTicks) {
    const t = fmt(w);
    const x = Math.min(Math.max(box.X(w) - ctx.measureText(t).width / 2, 0), base.width - ctx.measureText(t).width);
    ctx.fillText(t, x, box.y + box.s + (f + 2) * dpr);
  }
  for (const b of bTicks) {
    const t = fmt(b);
    ctx.fillText(t, box.x - ctx.measureText(t).width - 4 * dpr, box.Y(b) + f * 0.35 * dpr);
  }
  const [xl, yl] = data.labels;
  ctx.fillText(xl, box.x + (box.s - ctx.measureText(xl).width) / 2, box.y + box.s + (2.3 * f + 2) * dpr);
  ctx.save();
  ctx.translate(f * dpr, box.y + (box.s + ctx.measureText(yl).width) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yl, 0, 0);
  ctx.restore();
  // colour bar under the map: the scale's domain, low to high
  const barY = box.y + box.s + (2.9 * f) * dpr, barH = 10 * dpr;
  const grad = ctx.createLinearGradient(box.x, 0, box.x + box.s, 0);
  map.stops.forEach((c, i) => grad.addColorStop(i / (map.stops.length - 1), c));
  ctx.fillStyle = grad;
  ctx.fillRect(box.x, barY, box.s, barH);
  ctx.fillStyle = "#333";
  const [lo, hi] = map.domain;
  const his = fmt(hi);
  ctx.fillText(fmt(lo), box.x, barY + barH + (f + 1) * dpr);
  ctx.fillText(his, box.x + box.s - ctx.measureText(his).width, barY + barH + (f + 1) * dpr);
  // the scale's name on a line of its own: at projector sizes it would run into the numbers
  ctx.fillText(map.legend, box.x + (box.s - ctx.measureText(map.legend).width) / 2, barY + barH + (2 * f + 4) * dpr);
  // the best value on the map (black cross) and the start (a white circle: no loss's colour,
  // seen on either scheme), as the static maps
  const [ow, ob] = loss.optimum;
  const h = 7 * dpr;
  ctx.beginPath();
  ctx.moveTo(box.X(ow) - h, box.Y(ob));
  ctx.lineTo(box.X(ow) + h, box.Y(ob));
  ctx.moveTo(box.X(ow), box.Y(ob) - h);
  ctx.lineTo(box.X(ow), box.Y(ob) + h);
  ctx.strokeStyle = "#000";
  ctx.lineWidth = 3 * dpr;
  ctx.stroke();
  if (loss.path.w[0] !== null) {
    ctx.beginPath();
    ctx.arc(box.X(loss.path.w[0]), box.Y(loss.path.b[0]), 9 * dpr, 0, 2 * Math.PI);
    ctx.fillStyle = START;
    ctx.fill();
    ctx.strokeStyle = "#000";
    ctx.lineWidth = 2.5 * dpr;
    ctx.stroke();
  }
}

// the start of every descent on the maps: white, a colour no loss has (present/identity.py)
const START = "#ffffff";
// the maps' text size in CSS pixels: the payload's (presenter mode) or 12
function mapFont(data) {
  return data.font || 12;
}

function mapsView(data) {
  const figure = el("div", "ll-panels ll-maps");
  // the same kind of map side by side for every loss (a row of loss maps, a row of convexity
  // maps); two losses fill one row of four
  const kinds = data.maps.length / data.losses.length;
  const order = data.maps.map((map, i) => ({ map, kind: i % kinds })).sort((a, b) => a.kind - b.kind || a.map.loss - b.map.loss);
  const n = data.losses.length;
  figure.style.setProperty("--ll-cols", String(n === 2 ? 2 * kinds : Math.max(kinds, n)));
  const panels = order.map(({ map }) => {
    const loss = data.losses[map.loss];
    const fig = el("figure", "ll-panel");
    fig.style.borderTopColor = loss.color;
    const title = el("figcaption", "ll-title");
    const name = el("span", "ll-name", loss.title);
    name.style.color = loss.color;
    title.append(name, el("span", "ll-shade", map.subtitle));
    const canvas = el("canvas", "ll-map-canvas");
    fig.append(title, canvas);
    figure.appendChild(fig);
    return { map, loss, canvas, base: document.createElement("canvas"), box: null };
  });
  let dpr = 1;

  function resize() {
    dpr = window.devicePixelRatio || 1;
    for (const p of panels) {
      const f = mapFont(data);
      const W = Math.round(Math.max(160, p.canvas.clientWidth || 300) * dpr);
      const m = { l: (2.2 * f + 22) * dpr, r: 12 * dpr, t: 8 * dpr };
      const s = W - m.l - m.r;
      const [w0, w1] = data.grid.w, [b0, b1] = data.grid.b;
      p.box = {
        x: m.l, y: m.t, s,
        X: (w) => m.l + ((w - w0) / (w1 - w0)) * s,
        Y: (b) => m.t + s - ((b - b0) / (b1 - b0)) * s,
      };
      p.canvas.width = p.base.width = W;
      p.canvas.height = p.base.height = Math.round(m.t + s + (6.3 * f + 4) * dpr);
      drawMapBase(p.base, p.map, data, p.loss, p.box, dpr);
    }
  }

  function draw(f) {
    for (const { map, loss, canvas, base, box } of panels) {
      if (!box) continue;
      const ctx = canvas.getContext("2d");
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(base, 0, 0);
      ctx.save();
      ctx.beginPath();
      ctx.rect(box.x, box.y, box.s, box.s); // a path that leaves the map is cut at its edge
      ctx.clip();
      const { w, b } = loss.path;
      polyline(ctx, w, b, f + 1, box.X, box.Y);
      ctx.strokeStyle = map.path;
      ctx.lineWidth = 3 * dpr;
      ctx.stroke();
      ctx.fillStyle = "#fff";
      ctx.lineWidth = 1.5 * dpr;
      for (let i = 1; i < f; i++) {
        if (w[i] === null || b[i] === null) continue;
        ctx.beginPath();
        ctx.arc(box.X(w[i]), box.Y(b[i]), 3.5 * dpr, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      }
      if (w[f] !== null && b[f] !== null) ball(ctx, box.X(w[f]), box.Y(b[f]), 9 * dpr, loss.color, dpr);
      ctx.restore();
    }
  }

  return {
    figure,
    resize,
    draw,
    readout: (l, f) => `w = ${fmt(l.path.w[f])}, b = ${fmt(l.path.b[f])}, loss ${fmt(l.path.v[f])}`,
  };
}

// -------------------------------------------------------------------------- the player

export default function (component) {
  const { data, parentElement, key, setTriggerValue } = component;
  if (!data) return undefined;
  replaceLive(parentElement);
  const maps = data.kind === "maps";
  const root = el("div", maps ? "ll-player ll-surface" : "ll-player ll-descent");
  parentElement.appendChild(root);
  hideFallback(data.fallback);
  const F = data.steps.length;
  const clock = clockFor(key, data.id, data.start);
  const view = (maps ? mapsView : curveView)(data);

  const legend = el("div", "ll-legend");
  const readouts = data.losses.map((l) => {
    const item = legendKey(l.title, l.color);
    item.lastChild.className = "ll-name-inline";
    const text = el("span", "", "");
    item.appendChild(text);
    legend.appendChild(item);
    return text;
  });

  function show(f, counter) {
    counter.textContent = `step ${data.steps[f]} / ${data.steps[F - 1]}`;
    root.dataset.step = String(data.steps[f]);
    view.draw(f);
    data.losses.forEach((l, j) => {
      const on = l.path.w[f] !== null && l.path.v[f] !== null;
      readouts[j].textContent = on ? view.readout(l, f) : "diverged";
    });
  }

  const controls = transport(root, clock, {
    F,
    fps: data.fps,
    what: "step",
    unit: "frame",
    label: "step of gradient descent",
    show,
    settle: link,
  });

  // The page's step widget (data.link) is bound to the URL: send it the step where a person
  // left the clock, and write the link now (Streamlit writes it only with the next request),
  // dropped at the widget's default as the binding does.
  function link() {
    if (!data.link) return;
    const step = data.steps[clock.frame];
    setTriggerValue("step", step);
    setTimeout(() => {
      const url = new URL(window.location.href);
      if (step === data.linkDefault) url.searchParams.delete(data.link);
      else url.searchParams.set(data.link, String(step));
      window.history.replaceState(window.history.state, "", url);
    }, 0);
  }
  root.append(controls.bar, legend, view.figure);
  const resize = new ResizeObserver(() => {
    view.resize(root.clientWidth);
    controls.draw();
  });
  resize.observe(root);
  view.resize(root.clientWidth);
  controls.draw();
  controls.resume();
  root.dataset.ready = "1";
  return keepLive(parentElement, () => {
    controls.stop();
    resize.disconnect();
    root.remove();
  });
}
