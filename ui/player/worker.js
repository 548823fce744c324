// Loss Lab live player — the worker's entry (ui/player.py appends it to the engine's module
// text): run as a module Worker, it answers the page's messages with a Trainer (live.js). Run
// as a module imported by the page (where no worker can start), it does nothing: the page makes
// its own Trainer from the module's exports.

if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope) {
  // zero-delay slices: a MessageChannel's message runs after pending messages, with no 4 ms
  // clamp as nested timers have
  const channel = new MessageChannel();
  const queue = [];
  channel.port1.onmessage = () => queue.shift()?.();
  const soon = (fn) => {
    queue.push(fn);
    channel.port2.postMessage(null);
  };
  const trainer = new Trainer((msg, transfer) => self.postMessage(msg, transfer ?? []), soon);
  self.onmessage = (e) => trainer.handle(e.data);
}
