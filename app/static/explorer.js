/* Explorer page: when an input changes, fetch the page for the new profile and swap the results in place.
 * The page works without this script (the form submits normally); this only avoids full reloads. */
(function () {
  "use strict";
  var form = document.getElementById("profile");
  var status = document.getElementById("status");
  if (!form || typeof fetch !== "function" || typeof DOMParser !== "function") return;
  var seq = 0;
  var timer = null;
  // The query last requested: a number field fires "change" on blur after its debounced "input" already
  // loaded it, and re-rendering then would swap the table out from under the click that caused the blur.
  var lastQuery = null;

  function query() {
    var out = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (typeof value === "string" && value.trim() !== "") out.set(key, value.trim());
    });
    return out.toString();
  }

  function filterMetros() {
    // Only offer metros inside the chosen state (the API rejects a metro outside it).
    var state = form.elements.state.value;
    var metro = form.elements.metro;
    for (var i = 0; i < metro.options.length; i++) {
      var opt = metro.options[i];
      var states = (opt.getAttribute("data-states") || "").split(" ");
      var hide = !!(state && opt.value && states.indexOf(state) < 0);
      opt.hidden = hide;
      opt.disabled = hide;
      if (hide && opt.selected) metro.value = "";
    }
  }

  // The server flags a rejected field in its form; copy those flags onto the live form (not the values).
  function flagFields(doc) {
    var marks = doc.querySelectorAll("#profile .field-error");
    for (var i = 0; i < marks.length; i++) {
      var live = document.getElementById(marks[i].id);
      var control = document.getElementById(marks[i].id.replace(/-error$/, ""));
      if (!live || !control) continue;
      live.textContent = marks[i].textContent;
      live.hidden = marks[i].hidden;
      if (marks[i].hidden) {
        control.removeAttribute("aria-invalid");
        control.removeAttribute("aria-describedby");
      } else {
        control.setAttribute("aria-invalid", "true");
        control.setAttribute("aria-describedby", marks[i].id);
      }
    }
  }

  function load(url) {
    var mine = ++seq;
    var results = document.getElementById("results");
    results.classList.add("busy");
    results.setAttribute("aria-busy", "true");
    status.textContent = "Updating\u2026";
    fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (r) {
        return r.text().then(function (text) { return { ok: r.ok, status: r.status, text: text }; });
      })
      .then(function (res) {
        if (mine !== seq) return;
        var doc = new DOMParser().parseFromString(res.text, "text/html");
        var fresh = doc.getElementById("results");
        if (!res.ok || !fresh) {
          var msg = "HTTP " + res.status;
          try { msg = JSON.parse(res.text).error.message; } catch (e) { /* not JSON */ }
          status.textContent = "Could not update: " + msg;
          lastQuery = null;
          results.classList.remove("busy");
          results.removeAttribute("aria-busy");
          return;
        }
        results.replaceWith(fresh);
        flagFields(doc);
        history.replaceState(null, "", url);
        status.textContent = "Updated.";
      })
      .catch(function () {
        if (mine !== seq) return;
        results.classList.remove("busy");
        results.removeAttribute("aria-busy");
        status.textContent = "Could not reach the server; the figures shown are from before.";
        lastQuery = null;
      });
  }

  function update() {
    var q = query();
    if (q === lastQuery) return;
    lastQuery = q;
    load("/" + (q ? "?" + q : ""));
  }

  form.addEventListener("change", function (e) {
    if (e.target && e.target.name === "state") filterMetros();
    clearTimeout(timer);
    update();
  });
  form.addEventListener("input", function (e) {
    if (!e.target || e.target.type !== "number") return;
    clearTimeout(timer);
    timer = setTimeout(update, 400);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    update();
  });
  document.addEventListener("click", function (e) {
    var a = e.target && e.target.closest ? e.target.closest("a[data-sort]") : null;
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    form.elements.sort.value = a.getAttribute("data-sort");
    update();
  });
  filterMetros();
  lastQuery = query();
})();
