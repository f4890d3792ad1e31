/* The learning-rate explorer. sinfit/explorer.py writes, into a page's cell output, a
   <figure class="sinfit-explorer"> with the data (JSON), a hidden slider and a static picture.
   The slider picks a fraction of each basis's own stability bound (ηmax = 2/λmax); this script
   shows it and draws, for that fraction, the loss L against the step t and the fitted cubic in
   each basis, as plain SVG styled by sinfit.css (so both colour schemes work).
   No library and nothing loaded: without this script the static picture stays. */
(function () {
  "use strict";

  var NS = "http://www.w3.org/2000/svg";
  // The words, per page language (<html lang>); a language without an entry gets English.
  var TEXT = {
    en: {
      label: "Learning rate",
      bound: "stability bound",
      diverged: "diverges: L = ∞ at t = {n}",
      ended: "L = {v} at t = {n}",
      lossChart: "Loss L against step t, log scale; dashed: the best cubic",
      curveChart: "Fitted cubic ŷ (solid) and sin(x) (dashed)",
      bases: {
        monomial: ["Monomial basis 1, x, x², x³", "monomial"],
        "legendre-normalized": ["Normalized Legendre basis", "normalized Legendre"]
      }
    },
    ko: {
      label: "학습률",
      bound: "안정 한계",
      diverged: "발산: t = {n}에서 L = ∞",
      ended: "t = {n}에서 L = {v}",
      lossChart: "걸음 t에 따른 손실 L(로그 눈금), 파선: 최적의 3차 곡선",
      curveChart: "학습된 3차 곡선 ŷ(실선)과 sin(x)(파선)",
      bases: {
        monomial: ["단항식 기저 1, x, x², x³", "단항식"],
        "legendre-normalized": ["정규화된 르장드르 기저", "정규화된 르장드르"]
      }
    }
  };
  // The charts' coordinates; their text is FONT units high (sinfit.css), so at least 12 px
  // wherever a chart is drawn 280 px wide or wider (sinfit.css keeps the panels that wide).
  var W = 320, H = 180, LEFT = 46, RIGHT = 14, TOP = 10, BOTTOM = 24, FONT = 14;
  var SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

  function words() {
    var lang = (document.documentElement.lang || "en").toLowerCase().split("-")[0];
    return TEXT[lang] || TEXT.en;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function power(exponent) {
    return "10" + String(exponent).split("").map(function (ch) { return SUPERSCRIPT[ch]; }).join("");
  }

  // A learning rate as the site writes it everywhere (sinfit.rate_label): 7.1×10⁻⁶, 10⁻⁶, 0.1;
  // three digits here, where the slider's rates fall between round numbers (1.02×10⁻⁶ is not
  // the first lesson's 10⁻⁶, and its losses differ).
  function rate(value) {
    if (value >= 1e-3) return String(Number(value.toPrecision(3)));
    var parts = value.toExponential(2).split("e");
    var mantissa = String(Number(parts[0]));
    return mantissa === "1" ? power(Number(parts[1])) : mantissa + "×" + power(Number(parts[1]));
  }

  // A slider position (sinfit.explorer.fraction_label): 0.01, 0.1, 0.9, 1.06, 1.25 ηmax.
  function fraction(value) {
    return String(Number(value.toPrecision(value >= 1 ? 3 : 2))) + " " + ETA_MAX;
  }

  // Text in which "ηmax" and "λmax" are written with "max" as a subscript (<sub>, sized by
  // sinfit.css: Unicode's subscript letters are drawn far smaller than 12 px).
  var ETA_MAX = "ηmax";
  function write(node, text) {
    node.textContent = "";
    text.split(/([ηλ])max/).forEach(function (part, i) {
      if (i % 2) {
        node.appendChild(document.createTextNode(part));
        var sub = document.createElement("sub");
        sub.textContent = "max";
        node.appendChild(sub);
      } else {
        node.appendChild(document.createTextNode(part));
      }
    });
  }

  function element(parent, name, attributes, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  // A chart: an <svg> with a plot area mapping data (x0..x1, y0..y1) to the viewBox.
  function chart(parent, caption, label, x0, x1, y0, y1, clipId) {
    var p = document.createElement("p");
    p.className = "sinfit-explorer-caption";
    p.setAttribute("aria-hidden", "true");  // the chart's own name says it
    p.textContent = caption;
    parent.appendChild(p);
    var svg = element(parent, "svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": label });
    var clip = element(element(svg, "defs"), "clipPath", { id: clipId });
    element(clip, "rect", { x: LEFT, y: TOP, width: W - LEFT - RIGHT, height: H - TOP - BOTTOM });
    element(svg, "rect", { class: "sinfit-explorer-frame", x: LEFT, y: TOP, width: W - LEFT - RIGHT, height: H - TOP - BOTTOM });
    return {
      svg: svg,
      clip: "url(#" + clipId + ")",
      x: function (v) { return LEFT + (v - x0) / (x1 - x0) * (W - LEFT - RIGHT); },
      y: function (v) { return TOP + (y1 - v) / (y1 - y0) * (H - TOP - BOTTOM); }
    };
  }

  function tickX(c, value, text, anchor) {
    element(c.svg, "text", { class: "sinfit-explorer-tick", x: c.x(value), y: H - 6, "text-anchor": anchor || "middle" }, text);
  }

  function tickY(c, value, text) {
    element(c.svg, "line", { class: "sinfit-explorer-grid", x1: LEFT, x2: W - RIGHT, y1: c.y(value), y2: c.y(value) });
    element(c.svg, "text", { class: "sinfit-explorer-tick", x: LEFT - 4, y: c.y(value) + FONT / 3, "text-anchor": "end" }, text);
  }

  function line(c, xs, ys) {
    var d = "";
    for (var i = 0; i < xs.length; i++) {
      d += (i ? " L " : "M ") + c.x(xs[i]).toFixed(1) + " " + c.y(ys[i]).toFixed(1);
    }
    return d;
  }

  function setup(figure, n, data) {
    var text = words();
    var controls = figure.querySelector(".sinfit-explorer-controls");
    var input = controls.querySelector("input[type=range]");
    var output = controls.querySelector("output");
    var charts = figure.querySelector(".sinfit-explorer-charts");
    var id = figure.id || "sinfit-explorer-" + n;
    var log10 = function (v) { return Math.log(v) / Math.LN10; };
    var steps = data.steps, last = steps[steps.length - 1];
    // The step axis is log10(1 + t): 0, 1, 10, 100, 1000 evenly spaced, so that the first few
    // steps, where the round bowl does all its work, are as wide as the last nine hundred.
    var T = function (t) { return log10(1 + t); };
    var fractions = data.rates;  // the slider's positions: fractions of each basis's own bound

    controls.querySelector("label").textContent = text.label;

    // The bound (a fraction of 1) on the slider's scale: the positions are log-spaced, so the
    // index is linear in their logarithm.
    var first = log10(fractions[0]), end = log10(fractions[fractions.length - 1]);
    var scale = controls.querySelector(".sinfit-explorer-scale");
    scale.textContent = "";
    [[fraction(fractions[0]), "start"], [fraction(fractions[fractions.length - 1]), "end"]].forEach(function (t) {
      var span = document.createElement("span");
      span.className = "sinfit-explorer-" + t[1];
      write(span, t[0]);
      scale.appendChild(span);
    });
    var mark = document.createElement("span");
    mark.className = "sinfit-explorer-bound";
    mark.style.setProperty("--at", ((0 - first) / (end - first)).toFixed(4));
    write(mark, ETA_MAX + " = 2/λmax: " + text.bound);
    scale.appendChild(mark);

    // Shared axes for every position and both bases, so that moving the slider compares like
    // with like; a diverging run leaves through the top.
    var top = Math.ceil(log10(Math.max.apply(null, data.bases.map(function (b) {
      return Math.max.apply(null, b.loss.map(function (l) { return l[0]; }));
    }))) + 1);
    var bottom = Math.floor(log10(data.floor) - 0.3);
    var xmin = data.x[0], xmax = data.x[data.x.length - 1], xs = [];
    for (var s = 0; s <= 60; s++) xs.push(xmin + (xmax - xmin) * s / 60);
    charts.textContent = "";
    var panels = data.bases.map(function (basis, k) {
      var names = text.bases[basis.name] || [basis.name, basis.name];
      var panel = document.createElement("div");
      panel.className = "sinfit-explorer-panel";
      var title = document.createElement("p");
      title.className = "sinfit-explorer-title";
      title.textContent = names[0];
      panel.appendChild(title);
      var rateLine = document.createElement("p");
      rateLine.className = "sinfit-explorer-rate";
      panel.appendChild(rateLine);
      charts.appendChild(panel);

      var loss = chart(panel, text.lossChart, names[0] + ": " + text.lossChart, 0, T(last), bottom, top, id + "-clip-loss-" + k);
      for (var p = bottom + 1; p <= top; p += 2) tickY(loss, p, power(p));
      for (var q = 1; q <= last; q *= 10) tickX(loss, T(q), String(q), q * 10 > last ? "end" : "middle");
      tickX(loss, 0, "0", "start");
      // the axis's name in the left margin, under the L ticks: not among the t ticks, where it read as one
      element(loss.svg, "text", { class: "sinfit-explorer-tick", x: LEFT - 12, y: H - 6, "text-anchor": "end", "font-style": "italic" }, "t");
      element(loss.svg, "line", { class: "sinfit-explorer-floor", x1: LEFT, x2: W - RIGHT, y1: loss.y(log10(data.floor)), y2: loss.y(log10(data.floor)) });
      var lossPath = element(loss.svg, "path", { class: "sinfit-explorer-loss", "clip-path": loss.clip });
      var blowUp = element(loss.svg, "text", { class: "sinfit-explorer-diverged", y: TOP + FONT + 2 });

      var curve = chart(panel, text.curveChart, names[0] + ": " + text.curveChart, xmin, xmax, -2, 2, id + "-clip-curve-" + k);
      [-2, -1, 0, 1, 2].forEach(function (v) { tickY(curve, v, String(v).replace("-", "−")); });
      for (var t = Math.ceil(xmin); t <= Math.floor(xmax); t++) tickX(curve, t, String(t).replace("-", "−"));
      element(curve.svg, "path", { class: "sinfit-explorer-target", d: line(curve, data.x, data.y) });
      var fitPath = element(curve.svg, "path", { class: "sinfit-explorer-fit", "clip-path": curve.clip });

      return function draw(i) {
        var losses = basis.loss[i], diverged = basis.diverged[i];
        var lr = "η = " + rate(fractions[i] * basis.bound);
        var px = steps.slice(0, losses.length).map(T);
        var ys = losses.map(function (v) { return Math.min(log10(v), top + 1); });
        if (diverged !== null) { px.push(T(diverged)); ys.push(top + 1); }
        lossPath.setAttribute("d", line(loss, px, ys));
        blowUp.textContent = "";
        for (var j = 1; j < ys.length; j++) {  // an arrow where the drawn curve leaves the top
          if (ys[j] < top) continue;
          var at = ys[j - 1] >= top ? px[j - 1] : px[j - 1] + (px[j] - px[j - 1]) * (top - ys[j - 1]) / (ys[j] - ys[j - 1]);
          var right = at > T(last) / 2;
          blowUp.textContent = "↑";
          blowUp.setAttribute("x", loss.x(at) + (right ? -2 : 2));
          blowUp.setAttribute("text-anchor", right ? "end" : "start");
          break;
        }
        var c = basis.cubic[i];  // a + b x + c x^2 + d x^3, the same curve in either basis
        fitPath.setAttribute("d", c ? line(curve, xs, xs.map(function (v) {
          return c[0] + v * (c[1] + v * (c[2] + v * c[3]));
        })) : "");
        var status = diverged !== null ? fill(text.diverged, { n: diverged })
          : fill(text.ended, { n: last, v: String(Number(losses[losses.length - 1].toPrecision(4))) });
        rateLine.textContent = lr + ", " + status;  // under the basis's name: said once
        return names[1] + ": " + lr + ", " + status;
      };
    });

    function update() {
      var i = Number(input.value);
      var parts = panels.map(function (draw) { return draw(i); });
      var value = "η = " + fraction(fractions[i]);
      // On screen the position only (each panel shows its own rate and result); a screen
      // reader, which this live region speaks to, hears both results too.
      write(output, value);
      var said = document.createElement("span");
      said.className = "sinfit-explorer-said";
      said.textContent = " · " + parts.join(" · ");
      output.appendChild(said);
      input.setAttribute("aria-valuetext", value);
    }

    input.addEventListener("input", update);
    update();
    controls.hidden = false;
    charts.hidden = false;
    figure.querySelector(".sinfit-explorer-static").hidden = true;
    figure.classList.add("sinfit-explorer--live");
  }

  // The data is inline (a notebook's output) or, on the site, in a file beside the page
  // (data-src; extensions/sitebuild/first_visit.py moves it there, out of the page's first
  // bytes). The static figure stands in until it is here.
  function load(figure, n) {
    var holder = figure.querySelector("script.sinfit-explorer-data");
    if (!holder.hasAttribute("data-src")) {
      setup(figure, n, JSON.parse(holder.textContent));
      return;
    }
    fetch(holder.getAttribute("data-src"))
      .then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + response.url);
        return response.json();
      })
      .then(function (data) { setup(figure, n, data); })
      .catch(function (error) {
        figure.removeAttribute("data-sinfit-waiting");
        console.error("sinfit explorer: its data did not load:", error);
      });
  }

  // Each explorer comes alive when the reader is within two screens of it, not while the page
  // loads: its data and drawing then wait behind what the reader sees first.
  function start() {
    var figures = document.querySelectorAll(".sinfit-explorer:not(.sinfit-explorer--live)");
    Array.prototype.forEach.call(figures, function (figure, n) {
      if (figure.hasAttribute("data-sinfit-waiting")) return;
      figure.setAttribute("data-sinfit-waiting", "");
      if (!("IntersectionObserver" in window)) {
        load(figure, n);
        return;
      }
      var observer = new IntersectionObserver(function (entries) {
        if (!entries.some(function (e) { return e.isIntersecting; })) return;
        observer.disconnect();
        load(figure, n);
      }, { rootMargin: "200% 0px" });
      observer.observe(figure);
    });
  }

  // Material's document$ announces each page (also after instant navigation, were it on).
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
