// Inlined in every page's <head> by extensions/sitebuild/first_visit.py: the page's scripts
// start once the page is on screen, not before.
//
// The page is readable without its scripts. Material's (its header, navigation, palette and
// layout are HTML and CSS) adds search, the palette toggle, copy buttons on Markdown code
// blocks and the table of contents' tracking; the copy buttons of notebook cells and the
// learning-rate explorer have scripts of their own. Fetched and run before the first paint,
// they compete with the page for a slow line and the phone's one busy core: Material's 114 KB
// and the restyles its start forces go ahead of the text, and Lighthouse charges the largest
// paint with every request that starts before it. So each <script data-sinfit-later="src">
// waits for the load event and one frame after it, or for the reader's first key, tap or
// focus, whichever comes first; they then run in page order, and Material's request for the
// search index (every page's text) goes out after the page is on screen as well.
(() => {
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    // A tap or key while the page is still arriving: the scripts' placeholders at the end of
    // the body are not parsed yet, and Material's own DOMContentLoaded handler would start it
    // a second time. Start them once the whole page is parsed.
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", run, { once: true });
    } else {
      run();
    }
  };
  const run = () => {
    for (const held of document.querySelectorAll("script[data-sinfit-later]")) {
      const script = document.createElement("script");
      script.src = held.dataset.sinfitLater;
      // in page order, as deferred scripts run
      script.async = false;
      if (held.hasAttribute("data-sinfit-material")) script.onload = announce;
      held.after(script);
    }
  };
  // Material starts on DOMContentLoaded, gone by now: its document$ (the ReplaySubject
  // its components wait on, exported for extra scripts) is given the document the way its own
  // DOMContentLoaded handler would.
  const announce = () => {
    const document$ = window.document$;
    if (!document$ || typeof document$.next !== "function") {
      throw new Error(
        "sinfit: mkdocs-material no longer exports document$; Material's script cannot be " +
          "started after the load event (extensions/sitebuild/first_visit.js)"
      );
    }
    let announced = false;
    document$.subscribe(() => (announced = true)).unsubscribe();
    if (!announced) document$.next(document);
  };
  addEventListener("load", () => requestAnimationFrame(() => setTimeout(start, 0)));
  for (const type of ["keydown", "pointerdown", "focusin"]) {
    addEventListener(type, start, { once: true, capture: true });
  }
})();
