// Loss Lab live players' shared parts (ui/player.py puts this file after transport.js and in
// front of player.js / fits.js): the engine started in a Worker, a session per component key
// that outlives Streamlit's reruns (the training, the edits, the clock), the edit history and
// its link, the edit toolbar, the status line (live or exact) and the keyboard contract.
//
// ENGINE_SOURCE (set by ui/player.py) is the engine as one ES module text (ui/player/engine,
// then worker.js). It runs as a module Worker from a blob: URL; the page imports the same URL
// for the edits (applyEdits, encodeEdits) and, where no worker can start, trains with the
// module's Trainer itself, in short slices between animation frames.
//
// Keyboard (presenter mode only, the first live player of the page): Space plays or pauses,
// <- / -> step one epoch back or forward, PageUp / PageDown go to the first / last epoch.
// While a lecture path is active (document.body.dataset.llPath is set) the arrows and the Page
// keys belong to the path (its previous/next stop): the player then answers Space only. Keys
// typed into a field, a select or a button are never taken.

let ENGINE_URL = null;
let ENGINE_MODULE = null;
const SESSIONS = new Map(); // component key -> live session
const KEYS = { owner: null }; // the session the keyboard drives
const DISPOSE_MS = 30000; // a session whose player is gone this long stops its worker

// Text into an element only when it changes (a write lays the page out again), as text.
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

// A data- attribute only when it changes (the browser tests read them).
function setData(node, key, value) {
  if (node.dataset[key] !== value) node.dataset[key] = value;
}

// The payload: JSON bytes (present/payloads.py pack), or already an object.
function viewOf(data) {
  if (!data) return null;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    const buf = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return JSON.parse(new TextDecoder().decode(buf));
  }
  return data;
}

function engineUrl() {
  ENGINE_URL ??= URL.createObjectURL(new Blob([ENGINE_SOURCE], { type: "text/javascript" }));
  return ENGINE_URL;
}

function loadEngine() {
  ENGINE_MODULE ??= import(engineUrl());
  return ENGINE_MODULE;
}

// A Trainer behind messages: a module Worker, or the page's own where none can start. The
// start message and the latest edits are kept, so a worker that fails to start is replaced by
// the page's Trainer without losing them.
function startTrainer(onMessage) {
  let target = null, worker = null;
  const backlog = [];
  const kept = { init: null, edits: null };
  const deliver = (m) => (target ? target(m) : backlog.push(m));
  const inPage = () => {
    worker = null;
    target = null;
    loadEngine().then((mod) => {
      const t = new mod.Trainer((m) => onMessage(m), (fn) => setTimeout(fn, 0));
      target = (m) => t.handle(m);
      const replay = [kept.init, kept.edits].filter(Boolean);
      backlog.length = 0;
      replay.forEach(target);
    });
  };
  try {
    worker = new Worker(engineUrl(), { type: "module" });
    worker.onmessage = (e) => onMessage(e.data);
    worker.onerror = (e) => {
      e.preventDefault?.();
      worker?.terminate();
      inPage();
    };
    target = (m) => worker.postMessage(m);
  } catch {
    inPage();
  }
  return {
    send(m) {
      if (m.type === "init") {
        kept.init = m;
        kept.edits = null;
      } else if (m.type === "edits") kept.edits = m;
      deliver(m);
    },
    stop() {
      worker?.terminate();
      target = () => {};
    },
    get where() {
      return worker ? "worker" : "page";
    },
  };
}

// ---------------------------------------------------------------------------- the session

// The first and the kept epochs a pause can settle on (the server's kept models): all epochs
// unless the view lists them.
function settleEpoch(view, e) {
  const E = view.epochs;
  e = Math.max(0, Math.min(E, Math.round(e)));
  if (!view.kept) return e;
  let best = view.kept[0];
  for (const k of view.kept) if (Math.abs(k - e) < Math.abs(best - e)) best = k;
  return best;
}

// A live session: the engine, the edits, the scores and frames of the current run, the clock.
function liveSession(key, view, specOf) {
  let S = SESSIONS.get(key);
  const sameData = S && S.dataId === view.dataId;
  if (S && S.id === view.id && !S.disposed) {
    clearTimeout(S.disposeTimer);
    S.view = view;
    if (view.editsRev !== S.rev) S.adopt(view);
    return S;
  }
  const carried = sameData && S.rev === view.editsRev ? S.ops : null; // a config change keeps edits
  const clock = S && sameData ? { playhead: S.playhead, duration: S.duration, whole: S.whole, tool: S.tool, cls: S.cls, mode: S.mode } : null;
  if (S) S.dispose();
  S = {
    key,
    id: view.id,
    dataId: view.dataId,
    view,
    rev: view.editsRev,
    ops: [],
    base: null, // the engine's applyEdits input, once the module is loaded
    edited: null,
    run: 0,
    end: view.epochs,
    start: 0, // the first epoch of this training (a continued run starts later)
    frontier: 0,
    scores: null,
    diverged: view.configs.map(() => null),
    continued: false,
    frames: new Map(),
    asked: null,
    playhead: clock?.playhead ?? view.epoch,
    playing: false,
    t0: 0,
    duration: clock?.duration ?? view.duration,
    whole: clock?.whole ?? false,
    tool: clock?.tool ?? "drag",
    cls: clock?.cls ?? 0,
    mode: clock?.mode ?? "restart",
    listener: null,
    error: "",
    times: { edit: 0, firstFrame: 0, firstDrawn: 0 },
    disposed: false,
  };
  SESSIONS.set(key, S);
  S.trainer = startTrainer((m) => S.receive(m));
  S.receive = (m) => {
    if (S.disposed || m.run !== S.run) return;
    if (m.type === "run") {
      S.end = m.end;
      S.frontier = m.frontier;
      S.scores = { train: m.scores.train.map((a) => Float64Array.from(a)), test: m.scores.test.map((a) => Float64Array.from(a)) };
      S.diverged = m.diverged;
      S.frames.clear();
      S.asked = null;
    } else if (m.type === "progress") {
      for (const split of ["train", "test"]) {
        m.scores[split].forEach((row, j) => S.scores[split][j].set(row, m.from));
      }
      S.frontier = m.frontier;
      S.diverged = m.diverged;
    } else if (m.type === "frame") {
      S.asked = null;
      S.frames.set(m.epoch, m);
      if (m.final) S.frames.set(m.asked, m); // an epoch kept no weights for shows the one before
      if (S.frames.size > 800) S.frames.delete(S.frames.keys().next().value);
      if (S.times.edit && !S.times.firstFrame) S.times.firstFrame = performance.now();
    } else if (m.type === "error") {
      S.error = m.message;
    }
    S.listener?.(m);
  };
  S.send = (m) => S.trainer.send(m);
  S.dispose = () => {
    S.disposed = true;
    S.trainer.stop();
    if (KEYS.owner === S) KEYS.owner = null;
    if (SESSIONS.get(key) === S) SESSIONS.delete(key);
  };
  // (re)train on the data as loaded plus `ops`: "restart" from the seed's weights, or
  // "continue" from the weights at epoch `from`
  S.setOps = (ops, mode = "restart", from = 0) => {
    S.ops = ops.map((op) => [...op]);
    if (mode === "continue") S.continued = true;
    else if (!ops.length) S.continued = false;
    S.run += 1;
    S.error = "";
    S.frames.clear();
    S.asked = null;
    S.times = { edit: performance.now(), firstFrame: 0, firstDrawn: 0 };
    if (S.engine) S.edited = S.engine.applyEdits(S.base, S.ops);
    if (mode === "continue") {
      S.start = Math.min(from, S.frontier);
      S.frontier = S.start;
    } else {
      S.start = 0;
      S.frontier = 0;
    }
    S.send({ type: "edits", run: S.run, ops: S.ops, mode, from, epoch: S.display() });
  };
  S.text = () => (S.engine ? S.engine.encodeEdits(S.ops) : S.view.edits);
  // the server's edits (a link, a preset, "Compute exactly") replace the browser's
  S.adopt = (v) => {
    S.rev = v.editsRev;
    const ops = S.engine ? S.engine.decodeEdits(v.edits) : null;
    if (ops && S.text() !== v.edits) S.setOps(ops, "restart"); // else: when the engine is in
  };
  S.display = () => Math.min(Math.round(S.playhead), S.frontier);
  // the frame to draw at epoch e: its own, or the nearest one before it (never blank)
  S.frameAt = (e) => {
    if (S.frames.has(e)) return S.frames.get(e);
    let best = null;
    for (const [k, f] of S.frames) if (k <= e && (!best || k > best.epoch)) best = f;
    return best ?? S.frames.values().next().value ?? null;
  };
  // ask the engine for epoch e's frame: while the run trains toward it, a coarse one (a
  // quarter of the work, so training keeps most of the worker); once trained, the whole grid
  S.want = (e) => {
    const have = S.frames.get(e);
    const coarse = e >= S.frontier && S.frontier < S.end;
    if ((have && ((have.grid?.step ?? 1) === 1 || coarse)) || S.asked === e) return;
    S.asked = e;
    S.send({ type: "frame", run: S.run, epoch: e, coarse });
  };
  S.send({ type: "init", run: S.run, spec: specOf(view), ops: [], mode: "restart" });
  loadEngine().then((mod) => {
    if (S.disposed) return;
    S.engine = mod;
    S.base = { task: view.task, n_classes: view.data.n_classes, nFeatures: view.task === "classification" ? 2 : 1, X_train: Float64Array.from(view.data.X_train.flat()), y_train: view.data.y_train, y_train_clean: view.data.y_train_clean, corrupted: view.data.corrupted };
    const ops = carried ?? mod.decodeEdits(S.view.edits);
    S.edited = mod.applyEdits(S.base, []);
    if (ops.length) S.setOps(ops, "restart");
    S.listener?.({ type: "engine" });
  });
  return S;
}

// Let the session go a while after its player is gone (a rerun draws the player again at once).
function releaseLater(S) {
  clearTimeout(S.disposeTimer);
  S.disposeTimer = setTimeout(() => {
    if (!S.listener) S.dispose();
  }, DISPOSE_MS);
}

// ---------------------------------------------------------------------------- the clock

// Playing: the playhead runs from the run's start to its end in `duration` seconds, eased
// (epoch = start + (end - start) u^1.5, u the time's share): early epochs, where boundaries
// move most, get the most time. Duration 0: the playhead follows the training.
const EASE = 1.5;
// Returns true when this tick ended the play (at the run's end).
function clockTick(S, now) {
  if (!S.playing) return false;
  const a = S.start, b = S.end;
  if (!S.duration) {
    S.playhead = S.frontier;
    if (S.frontier >= b) S.playing = false;
    return !S.playing;
  }
  // `now` is the animation frame's start time, which can precede the t0 that a key or click
  // handler set with performance.now() during the same frame: u < 0 there, and u ** EASE of a
  // negative number is NaN (a NaN playhead, a link with epoch=NaN, steps that stay put).
  const u = Math.min(1, Math.max(0, (now - S.t0) / (1000 * S.duration)));
  S.playhead = Math.floor(a + (b - a) * u ** EASE + 1e-9);
  if (u >= 1) {
    S.playhead = b;
    S.playing = false;
  }
  return !S.playing;
}

function clockPlay(S) {
  S.times.play = performance.now(); // the benchmark's "Play to first frame"
  S.times.playDrawn = 0;
  if (S.playhead >= S.end) S.playhead = S.start;
  const a = S.start, b = S.end;
  const u = b > a ? (Math.max(0, S.playhead - a) / (b - a)) ** (1 / EASE) : 1;
  S.t0 = performance.now() - u * 1000 * S.duration;
  S.playing = true;
}

// ---------------------------------------------------------------------------- the bar

const DURATION_LABEL = (s) => (s ? `${s} s` : "as it trains");

// Restart, play/pause, step, scrubber, counter, duration, "whole curves"; `settle()` runs where
// a person leaves the clock (pause, step, released scrubber, the end of a play).
function liveBar(root, S, { settle, redraw }) {
  const bar = el("div", "ll-bar");
  const restart = el("button", "ll-btn", "⟲ Restart");
  restart.setAttribute("aria-label", "restart");
  restart.title = "Play from epoch 0";
  const play = el("button", "ll-btn ll-play", "▶ Play");
  const back = el("button", "ll-btn", "◂");
  back.setAttribute("aria-label", "step back");
  back.title = "One epoch back";
  const step = el("button", "ll-btn", "▸");
  step.setAttribute("aria-label", "step");
  step.title = "One epoch on";
  const scrub = el("input", "ll-scrub");
  Object.assign(scrub, { type: "range", min: "0", step: "1" });
  scrub.setAttribute("aria-label", "epoch");
  const counter = el("span", "ll-epoch");
  const speed = el("select", "ll-speed");
  speed.setAttribute("aria-label", "duration of a run");
  speed.title = "How long a whole run takes to play";
  for (const s of S.view.durations) {
    const o = el("option", "", `run in ${DURATION_LABEL(s)}`);
    o.value = String(s);
    speed.appendChild(o);
  }
  speed.value = String(S.duration);
  const wholeBox = el("label", "ll-check");
  const whole = el("input");
  whole.type = "checkbox";
  whole.checked = S.whole;
  wholeBox.append(whole, el("span", "", "whole curves"));
  bar.append(restart, play, back, step, scrub, counter, speed, wholeBox);

  // `shown`: the epoch of the frame on screen (while a run trains, it trails the playhead)
  function draw(shown = S.display()) {
    if (scrub.max !== String(S.end)) scrub.max = String(S.end);
    if (scrub.value !== String(Math.round(S.playhead))) scrub.value = String(Math.round(S.playhead));
    setText(play, S.playing ? "❚❚ Pause" : "▶ Play");
    play.setAttribute("aria-label", S.playing ? "pause" : "play");
    const training = Math.round(S.playhead) > shown ? `training ${S.frontier}…` : "";
    if (!S.view.present && counter.dataset.end !== String(S.end)) {
      // the counter keeps the room of its longest text, so "· training n…" never re-wraps
      // the bar and moves the panels (under a finger dragging a point) while a run trains
      counter.dataset.end = String(S.end);
      counter.style.minWidth = `${`epoch ${S.end} / ${S.end} · training ${S.end}…`.length}ch`;
    }
    // on a projector the bar keeps one width (a counter that grows would wrap the bar and
    // move the panels 46 px while a run trains): the training epoch goes to the tooltip
    const behind = training && !S.view.present ? ` · ${training}` : "";
    setText(counter, `epoch ${shown} / ${S.end}${behind}`);
    if (counter.title !== training) counter.title = training;
  }
  const pause = () => {
    S.playing = false;
    draw();
  };
  const act = {
    toggle() {
      if (S.playing) {
        pause();
        settle();
      } else {
        clockPlay(S);
        draw();
      }
      redraw();
    },
    step(by) {
      S.playhead = Math.max(0, Math.min(S.end, Math.round(S.playhead) + by));
      pause();
      settle();
      redraw();
    },
    go(e) {
      S.playhead = e;
      pause();
      settle();
      redraw();
    },
  };
  play.addEventListener("click", act.toggle);
  step.addEventListener("click", () => act.step(1));
  back.addEventListener("click", () => act.step(-1));
  restart.addEventListener("click", () => {
    S.playhead = S.start;
    clockPlay(S);
    draw();
    redraw();
  });
  scrub.addEventListener("input", () => {
    S.playhead = Number(scrub.value);
    S.playing = false;
    draw();
    redraw();
  });
  scrub.addEventListener("change", () => {
    settle();
    redraw();
  });
  speed.addEventListener("change", () => {
    const was = S.playing;
    S.duration = Number(speed.value);
    if (was) clockPlay(S);
  });
  whole.addEventListener("change", () => {
    S.whole = whole.checked;
    redraw();
  });
  root.appendChild(bar);
  return { bar, draw, act };
}

// ---------------------------------------------------------------------------- presenter sizes

// A polyline through the finite values of `value[0..n-1]` (ctx's current style), `at(i, v)`
// its point in pixels; the pen lifts over a non-finite value (a diverged run's gap). Both
// live players draw their curves with it: the fits and the accuracy curves.
function strokeFinite(ctx, n, value, at) {
  ctx.beginPath();
  let pen = false;
  for (let i = 0; i < n; i++) {
    const v = value[i];
    if (!Number.isFinite(v)) {
      pen = false;
      continue;
    }
    const [px, py] = at(i, v);
    if (pen) ctx.lineTo(px, py);
    else ctx.moveTo(px, py);
    pen = true;
  }
  ctx.stroke();
}

// Presenter mode: the most CSS px a figure's element `node` may take in height so that `below`
// px under it still end on the first screen (a projector shows one screen: the takeaway under
// the figure must start on it). Measured from the node's place in the page, whatever the page
// is scrolled to; Infinity where the node starts below the first screen's upper part (it
// cannot end on it anyway) or outside presenter mode.
function presentCap(node, below) {
  if (!node.closest(".ll-present")) return Infinity;
  const main = document.querySelector('[data-testid="stMain"]');
  const top = node.getBoundingClientRect().top + (main ? main.scrollTop : 0) + (document.scrollingElement?.scrollTop || 0);
  if (top > 0.6 * window.innerHeight) return Infinity;
  return window.innerHeight - top - below;
}

// ---------------------------------------------------------------------------- keyboard

function editableTarget(e) {
  return e.composedPath().some((n) => n instanceof HTMLElement && (n.isContentEditable || ["INPUT", "TEXTAREA", "SELECT", "BUTTON"].includes(n.tagName)));
}

let KEY_LISTENER = false;
function listenKeys() {
  if (KEY_LISTENER) return;
  KEY_LISTENER = true;
  document.addEventListener("keydown", (e) => {
    const S = KEYS.owner;
    if (!S || S.disposed || !S.view.present || !S.act || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    if (editableTarget(e)) return;
    const path = Boolean(document.body.dataset.llPath); // a lecture path owns arrows and Page keys
    if (e.key === " ") S.act.toggle();
    else if (path) return;
    else if (e.key === "ArrowRight") S.act.step(1);
    else if (e.key === "ArrowLeft") S.act.step(-1);
    else if (e.key === "PageUp") S.act.go(S.start);
    else if (e.key === "PageDown") S.act.go(S.end);
    else return;
    e.preventDefault();
  });
}

// ---------------------------------------------------------------------------- edits

const TOOLS = [
  ["drag", "✥ Drag", "drag a training point"],
  ["add", "+ Add", "click to add a point of the chosen class"],
  ["flip", "⇄ Flip", "click a point to give it the next class"],
  ["erase", "✕ Erase", "click a point to remove it"],
];

// The toolbar: tools, the class to add, an outlier, undo, reset, and what an edit retrains.
function editBar(root, S, { classes, onChange, outlier, regression = false }) {
  const box = el("div", "ll-tools");
  box.setAttribute("role", "toolbar");
  box.setAttribute("aria-label", "edit the training points");
  box.appendChild(el("span", "ll-tools-label", "Edit the data:"));
  const tools = regression ? TOOLS.filter(([t]) => t !== "flip") : TOOLS;
  const buttons = tools.map(([tool, label, help]) => {
    const b = el("button", "ll-btn ll-tool", label);
    b.title = help;
    b.dataset.tool = tool;
    b.addEventListener("click", () => {
      S.tool = tool;
      sync();
    });
    box.appendChild(b);
    return b;
  });
  const swatches = [];
  if (!regression) {
    const pick = el("span", "ll-classes");
    classes.forEach((c, k) => {
      const b = el("button", "ll-btn ll-class");
      const sw = el("span", "ll-swatch");
      sw.style.background = c.color;
      b.append(sw, el("span", "", c.label));
      b.title = "the class an added point gets";
      b.addEventListener("click", () => {
        S.cls = k;
        if (S.tool !== "add") S.tool = "add";
        sync();
      });
      pick.appendChild(b);
      swatches.push(b);
    });
    box.appendChild(pick);
  }
  const out = el("button", "ll-btn", regression ? "⚑ Outlier" : "⚑ Outlier");
  out.title = regression ? "add a point far above the line" : "add a point of the chosen class far from its class";
  out.dataset.action = "outlier";
  out.addEventListener("click", () => outlier());
  const undo = el("button", "ll-btn", "↶ Undo");
  undo.dataset.action = "undo";
  const reset = el("button", "ll-btn", "Reset data");
  reset.dataset.action = "reset";
  undo.addEventListener("click", () => {
    if (!S.ops.length) return;
    onChange(S.ops.slice(0, -1));
  });
  reset.addEventListener("click", () => onChange([], "restart"));
  const mode = el("select", "ll-speed ll-mode");
  mode.setAttribute("aria-label", "after an edit");
  for (const [v, label] of [["restart", "retrain from the start"], ["continue", "continue from here"]]) {
    const o = el("option", "", label);
    o.value = v;
    mode.appendChild(o);
  }
  mode.value = S.mode;
  mode.title = "after an edit: every loss retrains from the same initial weights, or keeps its current weights and goes on";
  mode.addEventListener("change", () => {
    S.mode = mode.value;
  });
  box.append(out, undo, reset, mode);
  function sync() {
    buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.tool === S.tool)));
    swatches.forEach((b, k) => b.setAttribute("aria-pressed", String(S.tool === "add" && k === S.cls)));
    undo.disabled = !S.ops.length;
    reset.disabled = !S.ops.length;
    root.dataset.tool = S.tool;
    root.dataset.edits = String(S.ops.length);
  }
  sync();
  root.appendChild(box);
  return { box, sync };
}

// The link's edits, written in place (no message to the server; the next pause sends them).
function writeEditsToUrl(text) {
  const url = new URL(window.location.href);
  if (text) url.searchParams.set("edits", text);
  else url.searchParams.delete("edits");
  window.history.replaceState(window.history.state, "", url);
}

// ---------------------------------------------------------------------------- status

// Which numbers are live (the browser's) and which are the server's, and "Compute exactly".
function statusLine(root, { compute }) {
  const line = el("div", "ll-status");
  const text = el("span", "ll-status-text");
  const button = el("button", "ll-btn ll-exact", "Compute exactly");
  button.title = "train this edited view on the server: its sentence, table and downloads";
  button.addEventListener("click", compute);
  line.append(text, button);
  root.appendChild(line);
  return {
    show(message, withButton, live) {
      setText(text, message);
      if (button.hidden !== !withButton) button.hidden = !withButton;
      if (line.dataset.live !== (live ? "1" : "0")) line.dataset.live = live ? "1" : "0";
      if (line.hidden !== !message) line.hidden = !message;
    },
  };
}

// ---------------------------------------------------------------------------- axes

// Round tick values covering [lo, hi]: about `n` of them at 1, 2 or 5 x 10^k apart.
function niceTicks(lo, hi, n = 4) {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / n, p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) out.push(Math.abs(v) < 1e-12 ? 0 : v);
  return out;
}

function tickText(v) {
  return Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v)) : String(Number(v.toPrecision(2)));
}
