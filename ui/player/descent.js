// Loss Lab descent playback (ui/player.py, descent_player): each loss's curve against one
// weight, and a ball per loss at its gradient-descent step, all on one step clock, in the
// browser. Nothing is sent to the server. Loss titles go into the DOM with textContent only.

const CLOCKS = new Map(); // component key -> {frame, playing, speed, id}
const LIVE = new WeakMap(); // parent element -> cleanup of the player drawn there
const SPEEDS = [0.5, 1, 2, 4];

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = String(text);
  return e;
}

function fmt(v) {
  if (Math.abs(v) < 1e-6) return "0";
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 || Math.abs(v) < 0.01 ? v.toPrecision(2) : v.toFixed(2);
}

export default function (component) {
  const { data, parentElement, key } = component;
  if (!data) return undefined;
  const previous = LIVE.get(parentElement);
  if (previous) previous();
  const F = data.steps.length;
  let clock = CLOCKS.get(key);
  if (!clock || clock.id !== data.id) {
    clock = { frame: F - 1, playing: false, speed: 1, id: data.id };
    CLOCKS.set(key, clock);
  }

  const root = el("div", "ll-player ll-descent");
  root.dataset.frames = String(F);
  const bar = el("div", "ll-bar");
  const restart = el("button", "ll-btn", "⟲ Restart");
  restart.setAttribute("aria-label", "restart");
  const play = el("button", "ll-btn ll-play", "▶ Play");
  const step = el("button", "ll-btn", "Step ▸");
  step.setAttribute("aria-label", "step");
  const scrub = el("input", "ll-scrub");
  Object.assign(scrub, { type: "range", min: "0", max: String(F - 1), step: "1" });
  scrub.setAttribute("aria-label", "step of gradient descent");
  const counter = el("span", "ll-epoch");
  const speed = el("select", "ll-speed");
  speed.setAttribute("aria-label", "speed");
  for (const s of SPEEDS) {
    const o = el("option", "", `${s}× (${Math.round(data.fps * s)} fps)`);
    o.value = String(s);
    speed.appendChild(o);
  }
  speed.value = String(clock.speed);
  bar.append(restart, play, step, scrub, counter, speed);
  const legend = el("div", "ll-legend");
  const readouts = data.losses.map((l) => {
    const item = el("span", "ll-key");
    const sw = el("span", "ll-swatch");
    sw.style.background = l.color;
    const text = el("span", "", "");
    item.append(sw, el("span", "ll-name-inline", l.title), text);
    legend.appendChild(item);
    return text;
  });
  const canvas = el("canvas", "ll-descent-canvas");
  root.append(bar, legend, canvas);
  parentElement.appendChild(root);

  // y range from the curves (the balls stay on them)
  let lo = Infinity, hi = -Infinity, wlo = Infinity, whi = -Infinity;
  for (const l of data.losses) {
    for (const v of l.curve.v) if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    for (const w of l.curve.w) if (w !== null) { wlo = Math.min(wlo, w); whi = Math.max(whi, w); }
  }
  if (!(hi > lo)) hi = lo + 1;

  let dpr = 1;
  function size() {
    dpr = window.devicePixelRatio || 1;
    const w = Math.max(260, root.clientWidth || 600);
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(Math.min(420, Math.max(240, w * 0.45)) * dpr);
  }

  function draw() {
    const f = clock.frame;
    counter.textContent = `step ${data.steps[f]} / ${data.steps[F - 1]}`;
    scrub.value = String(f);
    play.textContent = clock.playing ? "❚❚ Pause" : "▶ Play";
    play.setAttribute("aria-label", clock.playing ? "pause" : "play");
    root.dataset.frame = String(f);
    root.dataset.step = String(data.steps[f]);
    root.dataset.playing = clock.playing ? "1" : "0";
    const ctx = canvas.getContext("2d");
    const W = canvas.width, H = canvas.height;
    const m = { l: 56 * dpr, r: 12 * dpr, t: 12 * dpr, b: 40 * dpr };
    const X = (w) => m.l + ((w - wlo) / (whi - wlo)) * (W - m.l - m.r);
    const Y = (v) => H - m.b - ((v - lo) / (hi - lo)) * (H - m.t - m.b);
    ctx.clearRect(0, 0, W, H);
    ctx.font = `${14 * dpr}px sans-serif`;
    ctx.fillStyle = "#333";
    ctx.strokeStyle = "#ddd";
    ctx.lineWidth = 1;
    for (let k = 0; k <= 4; k++) {
      const v = lo + ((hi - lo) * k) / 4;
      ctx.beginPath();
      ctx.moveTo(m.l, Y(v));
      ctx.lineTo(W - m.r, Y(v));
      ctx.stroke();
      ctx.fillText(fmt(v), 4 * dpr, Y(v) + 5 * dpr);
    }
    for (const w of [wlo, (wlo + whi) / 2, whi]) {
      const t = fmt(w);
      const x = Math.min(Math.max(X(w) - ctx.measureText(t).width / 2, m.l), W - m.r - ctx.measureText(t).width);
      ctx.fillText(t, x, H - m.b + 18 * dpr);
    }
    ctx.fillText(data.xlabel, (W - ctx.measureText(data.xlabel).width) / 2, H - 6 * dpr);
    data.losses.forEach((l, j) => {
      ctx.beginPath();
      let pen = false;
      l.curve.w.forEach((w, i) => {
        const v = l.curve.v[i];
        if (w === null || v === null) {
          pen = false;
          return;
        }
        if (pen) ctx.lineTo(X(w), Y(v));
        else ctx.moveTo(X(w), Y(v));
        pen = true;
      });
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
      if (w !== null && v !== null) {
        ctx.beginPath();
        ctx.arc(X(w), Y(Math.min(Math.max(v, lo), hi)), 9 * dpr, 0, 2 * Math.PI);
        ctx.fill();
        ctx.strokeStyle = "#000";
        ctx.lineWidth = 1.5 * dpr;
        ctx.stroke();
        readouts[j].textContent = `w = ${fmt(w)}, loss ${fmt(v)}`;
      } else {
        readouts[j].textContent = `diverged`;
      }
    });
  }

  let raf = 0, last = 0;
  function tick(now) {
    raf = 0;
    if (!clock.playing) return;
    const interval = 1000 / (data.fps * clock.speed);
    if (now - last >= interval) {
      last = now - ((now - last) % interval);
      if (clock.frame >= F - 1) {
        clock.playing = false;
        draw();
        return;
      }
      clock.frame += 1;
      draw();
    }
    raf = requestAnimationFrame(tick);
  }
  function start() {
    if (clock.frame >= F - 1) clock.frame = 0;
    clock.playing = true;
    last = performance.now();
    draw();
    if (!raf) raf = requestAnimationFrame(tick);
  }
  function pause() {
    clock.playing = false;
    if (raf) cancelAnimationFrame(raf);
    raf = 0;
    draw();
  }
  play.addEventListener("click", () => (clock.playing ? pause() : start()));
  step.addEventListener("click", () => {
    clock.frame = Math.min(F - 1, clock.frame + 1);
    pause();
  });
  restart.addEventListener("click", () => {
    clock.frame = 0;
    start();
  });
  scrub.addEventListener("input", () => {
    clock.frame = Number(scrub.value);
    pause();
  });
  speed.addEventListener("change", () => {
    clock.speed = Number(speed.value);
  });
  const resize = new ResizeObserver(() => {
    size();
    draw();
  });
  resize.observe(root);
  size();
  draw();
  if (clock.playing) {
    last = performance.now();
    raf = requestAnimationFrame(tick);
  }
  root.dataset.ready = "1";
  const cleanup = () => {
    if (raf) cancelAnimationFrame(raf);
    raf = 0;
    resize.disconnect();
    root.remove();
    if (LIVE.get(parentElement) === cleanup) LIVE.delete(parentElement);
  };
  LIVE.set(parentElement, cleanup);
  return cleanup;
}
