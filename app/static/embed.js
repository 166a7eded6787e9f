/*! salary-api wage-range widget. Add once per page:
 *    <script src="https://YOUR-API/embed.js" async></script>
 *  and any number of
 *    <div data-wage-range data-location="Houston, TX" data-occupation="medical coder">Loading…</div>
 *  Attributes (all optional, same values as GET /embed/wage-range): data-occupation (a job title or a SOC
 *  code, as people write it; default 29-2072), data-location (a ZIP, "City, ST", a state, a metro's name
 *  or code, or "remote"), data-state, data-metro, data-years, data-level,
 *  data-certifications, data-education, data-setting, data-specialty, data-hours-per-year,
 *  data-retirement-match-pct; plus data-theme="light|dark|auto", data-compact="true",
 *  data-brand="#RRGGBB" (or the CSS custom property --wage-range-brand on the element or a parent),
 *  data-fallback="text shown when the card cannot be shown".
 *  Badge mode: data-compare-low and data-compare-high (a posted pay range; data-compare-unit="hourly" for
 *  an hourly one) show where the range sits among the area's official percentiles instead of the range.
 *  The API origin is taken from this script's own src. Nothing here can throw into the host page.
 *  It also sizes iframe cards (<iframe src=".../embed/wage-range?...">) from the height they post.
 */
(function () {
  "use strict";
  var PARAMS = {
    occupation: "occupation", location: "location", state: "state", metro: "metro", years: "years",
    level: "level", certifications: "certifications", education: "education", setting: "setting",
    specialty: "specialty", hoursPerYear: "hours_per_year",
    retirementMatchPct: "retirement_match_pct", theme: "theme", compact: "compact", brand: "brand",
    compareLow: "compare_low", compareHigh: "compare_high", compareUnit: "compare_unit"
  };
  var DEFAULT_FALLBACK = "Wage data are unavailable right now.";
  var TIMEOUT_MS = 8000;
  var STATUS = "data-wage-range-status";

  try {
    if (window.SalaryWageRange && window.SalaryWageRange.scan) {
      window.SalaryWageRange.scan();
      return;
    }
  } catch (e) { /* fall through */ }

  function findScript() {
    var s = document.currentScript;
    if (s && s.src) return s;
    var all = document.getElementsByTagName("script");
    for (var i = all.length - 1; i >= 0; i--) {
      if (/\/embed\.js(?:[?#]|$)/.test(all[i].src)) return all[i];
    }
    return null;
  }

  var script = findScript();
  // Everything before "/embed.js" in our own URL, so an API mounted under a path prefix works too.
  var base = script ? script.src.replace(/[?#].*$/, "").replace(/\/embed\.js$/, "") : null;
  var originals = typeof WeakMap === "function" ? new WeakMap() : null;
  var pending = {};

  function warn(msg) {
    try { if (window.console && console.warn) console.warn("[wage-range] " + msg); } catch (e) { /* ignore */ }
  }

  function queryOf(el) {
    var parts = [];
    for (var key in PARAMS) {
      if (!Object.prototype.hasOwnProperty.call(PARAMS, key)) continue;
      var v = el.getAttribute("data-" + key.replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); }));
      if (v !== null && v !== "") parts.push(PARAMS[key] + "=" + encodeURIComponent(v.trim()));
    }
    return parts.join("&");
  }

  function rootOf(el) {
    if (el.shadowRoot) return el.shadowRoot;
    if (el.attachShadow) {
      try { return el.attachShadow({ mode: "open" }); } catch (e) { /* not allowed here */ }
    }
    return el;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function addStyle(root, css) {
    // Constructed stylesheets are not subject to the host page's style-src CSP; <style> otherwise.
    try {
      if (typeof ShadowRoot === "function" && root instanceof ShadowRoot && "adoptedStyleSheets" in root) {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        root.adoptedStyleSheets = [sheet];
        return;
      }
    } catch (e) { /* fall back to a style element */ }
    var st = document.createElement("style");
    st.textContent = css;
    root.appendChild(st);
  }

  function showFallback(el, reason) {
    try {
      var text = el.getAttribute("data-fallback") || (originals && originals.get(el)) || DEFAULT_FALLBACK;
      var root = rootOf(el);
      clear(root);
      var p = document.createElement("p");
      p.className = "wr-fallback";
      p.setAttribute("role", "status");
      p.style.margin = "0";
      p.textContent = text;
      root.appendChild(p);
      el.setAttribute(STATUS, "unavailable");
      if (reason) warn(reason);
    } catch (e) {
      try { el.textContent = DEFAULT_FALLBACK; } catch (e2) { /* give up quietly */ }
    }
  }

  function showCard(el, html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var card = doc.querySelector("body > .wr");
    var style = doc.getElementById("wr-style");
    if (!card || !style) throw new Error("unexpected card markup");
    var node = document.importNode(card, true);
    // Inline style attributes may be blocked by the host's CSP; CSSOM writes are not.
    var styled = node.querySelectorAll("[style]");
    for (var i = 0; i < styled.length; i++) {
      var css = styled[i].getAttribute("style");
      styled[i].removeAttribute("style");
      styled[i].style.cssText = css;
    }
    // Links in the card are relative to the API, not to the host page.
    var links = node.querySelectorAll("a[href^='/']");
    for (var j = 0; j < links.length; j++) links[j].setAttribute("href", base + links[j].getAttribute("href"));
    var root = rootOf(el);
    clear(root);
    addStyle(root, style.textContent);
    root.appendChild(node);
    el.setAttribute(STATUS, "ready");
  }

  function load(url) {
    if (pending[url]) return pending[url];
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    // Errors then come back as JSON in the API's words (for the console), not as an error card.
    var p = fetch(url, {
      mode: "cors", credentials: "omit", headers: { Accept: "application/json" },
      signal: controller ? controller.signal : undefined
    })
      .then(function (r) {
        return r.text().then(function (body) {
          if (!r.ok) {
            var msg = "HTTP " + r.status;
            try { msg += ": " + JSON.parse(body).error.message; } catch (e) { /* not JSON */ }
            throw new Error(msg);
          }
          return body;
        });
      });
    p.then(function () { if (timer) clearTimeout(timer); }, function () {
      if (timer) clearTimeout(timer);
      delete pending[url]; // retry on the next scan
    });
    pending[url] = p;
    return p;
  }

  function fill(el) {
    if (originals && !originals.has(el)) originals.set(el, (el.textContent || "").trim());
    if (!base || typeof fetch !== "function" || typeof DOMParser !== "function") {
      showFallback(el, "cannot find the API origin or this browser lacks fetch");
      return;
    }
    el.setAttribute(STATUS, "loading");
    var q = queryOf(el);
    load(base + "/embed/wage-range" + (q ? "?" + q : "")).then(
      function (html) {
        try { showCard(el, html); } catch (e) { showFallback(el, "could not show the card: " + e.message); }
      },
      function (err) { showFallback(el, "API unavailable (" + (err && err.message) + ")"); }
    );
  }

  function scan() {
    try {
      var els = document.querySelectorAll("[data-wage-range]");
      for (var i = 0; i < els.length; i++) {
        var status = els[i].getAttribute(STATUS);
        if (!status) fill(els[i]);
      }
    } catch (e) { warn("scan failed: " + e.message); }
  }

  // Iframe cards post their height; apply it to the iframe that sent it (cards from our origin only).
  function onMessage(e) {
    try {
      var d = e.data;
      if (!d || d.type !== "wage-range:height" || typeof d.height !== "number" || !base) return;
      if (e.origin !== new URL(base).origin) return;
      var frames = document.getElementsByTagName("iframe");
      for (var i = 0; i < frames.length; i++) {
        if (frames[i].contentWindow !== e.source) continue;
        frames[i].style.height = Math.min(Math.max(Math.ceil(d.height), 0), 2000) + "px";
      }
    } catch (err) { /* never throw into the host page */ }
  }
  // Cards that loaded before this script posted their height to no one: ask them again.
  function measureFrames() {
    try {
      var origin = new URL(base).origin;
      var frames = document.getElementsByTagName("iframe");
      for (var i = 0; i < frames.length; i++) {
        if (frames[i].src.indexOf(base + "/embed/wage-range") !== 0 || !frames[i].contentWindow) continue;
        frames[i].contentWindow.postMessage({ type: "wage-range:measure" }, origin);
      }
    } catch (err) { /* never throw into the host page */ }
  }
  try { window.addEventListener("message", onMessage); } catch (e) { /* optional */ }
  if (base) measureFrames();

  window.SalaryWageRange = { scan: scan, base: base };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(); });
  } else {
    scan();
  }
  // Job boards add posts as the reader scrolls: fill new placeholders as they appear.
  try {
    if (typeof MutationObserver === "function") {
      var queued = false;
      new MutationObserver(function () {
        if (queued) return;
        queued = true;
        setTimeout(function () { queued = false; scan(); }, 50);
      }).observe(document.documentElement, { childList: true, subtree: true });
    }
  } catch (e) { /* optional */ }
})();
