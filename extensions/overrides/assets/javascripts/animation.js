// The animated figures (sinfit's animate_fit) play when they come into view, and again on a
// click, a tap or Enter. An SVG animation in an <img> starts when the image loads, which on a
// long page is before the reader gets there, and the picture has no controls of its own. A new
// fragment on the image's address makes the browser start its animation again, from the file
// it already has. Linked by extensions/sitebuild/first_visit.py from pages with an animation.
(() => {
  let plays = 0;
  const play = (img) => {
    const file = img.getAttribute("src").split("#")[0];
    plays += 1;
    img.setAttribute("src", `${file}#play-${plays}`);
  };
  const arriving = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          arriving.unobserve(entry.target);
          play(entry.target);
        }
      }
    },
    { threshold: 0.6 },
  );
  for (const img of document.querySelectorAll("img[data-sinfit-animation]")) {
    arriving.observe(img);
    img.tabIndex = 0;
    img.style.cursor = "pointer";
    img.addEventListener("click", () => play(img));
    img.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        play(img);
      }
    });
  }
})();
