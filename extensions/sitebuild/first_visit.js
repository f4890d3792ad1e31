// Inlined in every page's <head> by extensions/sitebuild/first_visit.py: Material's script
// starts once the page is on screen, not before.
//
// The page is readable without Material's script (its header, navigation, palette and
// layout are HTML and CSS); the script adds search, the palette toggle, copy buttons on
// Markdown code blocks and the table of contents' tracking. Fetched and run before the first
// paint, it competes with the page for a slow line and the phone's one busy core: its 114 KB
// and the restyles its start forces go ahead of the text. So it waits for the load event and
// one frame after it, or for the reader's first key, tap or focus, whichever comes first;
// its request for the search index (every page's text) then goes out after the page is on
// screen as well.
(() => {
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    const held = document.querySelector("script[data-sinfit-later]");
    if (!held) return;
    const script = document.createElement("script");
    script.src = held.dataset.sinfitLater;
    script.onload = () => {
      // Material starts on DOMContentLoaded, long gone by now: its document$ (the
      // ReplaySubject its components wait on, exported for extra scripts) is given the
      // document the way its own DOMContentLoaded handler would.
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
    held.after(script);
  };
  addEventListener("load", () => requestAnimationFrame(() => setTimeout(start, 0)));
  for (const type of ["keydown", "pointerdown", "focusin"]) {
    addEventListener(type, start, { once: true, capture: true });
  }
})();
