// Loss Lab players' shared parts: the control bar and the clock that drives it (ui/player.py
// puts this file in front of player.js and of descent.js: components v2 takes each component's
// module as one text, so the two players share code by concatenation, not by import).
//
// A clock is {frame, playing, speed, id}, kept per component key so that a rerun (which calls
// the module again with new data) carries on where it was; a new id (new data, or the page's
// own step or epoch moved) starts it again at the frame the server asked for.

const CLOCKS = new Map(); // component key -> clock
const SPEEDS = [0.5, 1, 2, 4];
// cleanup of the player drawn in each parent: Streamlit calls the module again with new data
// on a rerun, and the previous player must stop and go first
const LIVE = new WeakMap();

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = String(text);
  return e;
}

function rgb(hex) {
  const h = hex.replace("#", "");
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
}

// a legend entry: a swatch (a dot, or a line of class `swatch`) in `color`, then the label as text
function legendKey(label, color, swatch = "ll-swatch") {
  const item = el("span", "ll-key");
  const sw = el("span", swatch);
  if (color) sw.style[swatch === "ll-swatch" ? "background" : "borderTopColor"] = color;
  item.append(sw, el("span", "", label));
  return item;
}

function clockFor(key, id, frame) {
  let clock = CLOCKS.get(key);
  if (!clock || clock.id !== id) {
    clock = { frame, playing: false, speed: 1, id };
    CLOCKS.set(key, clock);
  }
  return clock;
}

// The bar (restart, play/pause, step, scrubber, counter, speed) and the clock's timer, for
// `F` frames at `fps` frames per second at speed 1x (`what` a frame is counted in, e.g. "epoch",
// and `unit` one frame is, e.g. "snapshot"; `label` names the scrubber for assistive
// technology). `show(frame, counter)` draws a frame and its counter's text; `settle()`
// is called when the clock stops where a person left it (pause, step, scrubber released, the
// end): the boundary player sends the epoch to the page there, and only there.
//
// Every frame drawn while playing is counted in root.dataset.drawn: the browser test of the
// frame rate reads it (tests/e2e/test_playback.py).
function transport(root, clock, { F, fps, what, unit, label, show, settle = () => {} }) {
  const bar = el("div", "ll-bar");
  const restart = el("button", "ll-btn", "⟲ Restart");
  restart.title = `Restart from ${what} 0`;
  restart.setAttribute("aria-label", "restart");
  const play = el("button", "ll-btn ll-play", "▶ Play");
  const step = el("button", "ll-btn", "Step ▸");
  step.title = `Step one ${unit}`;
  step.setAttribute("aria-label", "step");
  const scrub = el("input", "ll-scrub");
  Object.assign(scrub, { type: "range", min: "0", max: String(F - 1), step: "1" });
  scrub.setAttribute("aria-label", label);
  const counter = el("span", "ll-epoch");
  const speed = el("select", "ll-speed");
  speed.setAttribute("aria-label", "speed");
  for (const s of SPEEDS) {
    const o = el("option", "", `${s}× (${Math.round(fps * s)} fps)`);
    o.value = String(s);
    speed.appendChild(o);
  }
  speed.value = String(clock.speed);
  bar.append(restart, play, step, scrub, counter, speed);
  root.dataset.frames = String(F);
  root.dataset.drawn = "0";

  function draw() {
    const f = clock.frame;
    scrub.value = String(f);
    play.textContent = clock.playing ? "❚❚ Pause" : "▶ Play";
    play.setAttribute("aria-label", clock.playing ? "pause" : "play");
    root.dataset.frame = String(f);
    root.dataset.playing = clock.playing ? "1" : "0";
    show(f, counter);
    if (clock.playing) root.dataset.drawn = String(Number(root.dataset.drawn) + 1);
  }

  let raf = 0, last = 0;
  function tick(now) {
    raf = 0;
    if (!clock.playing) return;
    const interval = 1000 / (fps * clock.speed);
    if (now - last >= interval) {
      last = now - ((now - last) % interval);
      if (clock.frame >= F - 1) {
        clock.playing = false;
        draw();
        settle();
        return;
      }
      clock.frame += 1;
      draw();
    }
    raf = requestAnimationFrame(tick);
  }
  function resume() {
    if (!clock.playing || raf) return;
    last = performance.now();
    raf = requestAnimationFrame(tick);
  }
  function start() {
    if (clock.frame >= F - 1) clock.frame = 0;
    clock.playing = true;
    draw();
    resume();
  }
  function stop() {
    if (raf) cancelAnimationFrame(raf);
    raf = 0;
  }
  function pause() {
    clock.playing = false;
    stop();
    draw();
  }

  play.addEventListener("click", () => {
    if (!clock.playing) return start();
    pause();
    settle();
  });
  step.addEventListener("click", () => {
    clock.frame = Math.min(F - 1, clock.frame + 1);
    pause();
    settle();
  });
  restart.addEventListener("click", () => {
    clock.frame = 0;
    start();
  });
  scrub.addEventListener("input", () => {
    clock.frame = Number(scrub.value);
    pause();
  });
  scrub.addEventListener("change", settle);
  speed.addEventListener("change", () => {
    clock.speed = Number(speed.value);
  });
  return { bar, draw, resume, stop };
}

// Remove the player drawn in `parent` by an earlier run (if any) ...
function replaceLive(parent) {
  const previous = LIVE.get(parent);
  if (previous) previous();
}

// ... and keep the cleanup of the one drawn now (what the module returns to Streamlit).
function keepLive(parent, cleanup) {
  const wrapped = () => {
    cleanup();
    if (LIVE.get(parent) === wrapped) LIVE.delete(parent);
  };
  LIVE.set(parent, wrapped);
  return wrapped;
}

// Hide the server-drawn figure (a container with Streamlit key `name`): it is the fallback for
// browsers where this script cannot run (a style, not a script, so it goes when the page does).
function hideFallback(name) {
  if (!name || document.querySelector(`style[data-ll-fallback="${CSS.escape(name)}"]`)) return;
  const style = document.createElement("style");
  style.textContent = `.st-key-${CSS.escape(name)} { display: none !important; }`;
  style.dataset.llFallback = name;
  document.head.appendChild(style);
}

// The frame of a line chart on a W x H canvas (device pixels, `dpr` per CSS pixel), margins
// `m`: cleared, five horizontal grid lines from y = lo to hi labelled by `label` (text `font`
// CSS pixels high, `dy` below its line). Returns the scales X (x0..x1 across) and Y.
function chartFrame(ctx, { W, H, m, dpr, font, dy, x: [x0, x1], y: [lo, hi], label }) {
  const X = (x) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const Y = (v) => H - m.b - ((v - lo) / (hi - lo)) * (H - m.t - m.b);
  ctx.clearRect(0, 0, W, H);
  ctx.font = `${font * dpr}px sans-serif`;
  ctx.fillStyle = "#333";
  ctx.strokeStyle = "#ddd";
  ctx.lineWidth = 1;
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    ctx.beginPath();
    ctx.moveTo(m.l, Y(v));
    ctx.lineTo(W - m.r, Y(v));
    ctx.stroke();
    ctx.fillText(label(v), 4 * dpr, Y(v) + dy * dpr);
  }
  return { X, Y };
}

// A raster: a rows x cols image that the canvas upscales with bilinear smoothing (`paint`
// draws it over a `w` x `h` box at (x, y)); grid point centres sit at the middle of its pixels.
function makeRaster(rows, cols) {
  const small = document.createElement("canvas");
  small.width = cols;
  small.height = rows;
  const sctx = small.getContext("2d");
  const image = new ImageData(cols, rows);
  function paint(ctx, x, y, w, h) {
    sctx.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "low"; // bilinear: "high" costs a software raster several ms per panel
    ctx.drawImage(small, x, y, w, h);
  }
  return { image, paint };
}

// ---------------------------------------------------------------------- (end of shared parts)
