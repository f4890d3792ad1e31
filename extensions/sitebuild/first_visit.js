// Inlined in every page's <head> by extensions/sitebuild/first_visit.py, before Material's
// script runs: what a first visit can fetch after the page is on screen.
(() => {
  // Material's search asks for its index (every page's text) as soon as it starts. Hold that
  // one request until the page has loaded (its first and largest paints are behind it then),
  // or until the reader turns to search, whichever comes first; every other request goes out
  // untouched. Not "when the browser is idle": on a busy phone that can be seconds later.
  const proto = XMLHttpRequest.prototype;
  const open = proto.open;
  const send = proto.send;
  const index = new WeakSet();
  const held = [];
  let released = false;
  proto.open = function (method, url, ...rest) {
    if (/\/search\/search_index\.json$/.test(String(url))) index.add(this);
    return open.call(this, method, url, ...rest);
  };
  proto.send = function (...args) {
    if (!released && index.has(this)) {
      held.push([this, args]);
      return undefined;
    }
    return send.apply(this, args);
  };
  const release = () => {
    if (released) return;
    released = true;
    for (const [request, args] of held.splice(0)) send.apply(request, args);
  };
  addEventListener("load", () => setTimeout(release, 0)); // after the other load handlers
  // Material's search opens with a key (/, s, f) or a click or tap on its field or icon.
  addEventListener("keydown", release, { once: true });
  addEventListener("focusin", (event) => {
    if (event.target.closest && event.target.closest(".md-search")) release();
  });
  addEventListener("pointerdown", (event) => {
    if (event.target.closest && event.target.closest('[for="__search"], .md-search')) release();
  });
})();
