// Inlined after Material's palette script by extensions/sitebuild/first_visit.py.
//
// Material's inline script applies a palette the reader chose before; on a first visit there
// is none, and the palette whose media query matches (dark for a reader whose system is dark)
// is applied by Material's main script, which first_visit.js starts after the load event.
// Until then a dark system's reader would see the page light, then flip. This applies the
// palette Material will pick (the first whose media query matches, else the first) now.
(() => {
  if (__md_get("__palette")) return;
  const inputs = [...document.querySelectorAll("[data-md-component=palette] input")];
  const index = inputs.findIndex((input) =>
    matchMedia(input.getAttribute("data-md-color-media")).matches
  );
  const input = inputs[Math.max(0, index)];
  if (!input) return;
  for (const key of ["scheme", "primary", "accent"]) {
    const value = input.getAttribute(`data-md-color-${key}`);
    if (value) document.body.setAttribute(`data-md-color-${key}`, value);
  }
})();
