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

  // How the server read the free-text boxes (or the candidates it offers), and whether the medical-coder
  // details apply to the occupation: copied from the fetched page onto the live form, which keeps what the
  // reader is typing.
  function copyReadings(doc) {
    var lines = doc.querySelectorAll("#profile .understood, #profile .candidates");
    for (var i = 0; i < lines.length; i++) {
      var live = document.getElementById(lines[i].id);
      if (!live) continue;
      live.replaceWith(document.importNode(lines[i], true));
    }
    var fresh = doc.getElementById("method-fields");
    var mine = document.getElementById("method-fields");
    if (fresh && mine) mine.disabled = fresh.disabled;
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
        copyReadings(doc);
        history.replaceState(null, "", url);
        status.textContent = "Updated.";
        // Details switched on or off with the occupation: ask again with exactly what the form now sends.
        if (query() !== lastQuery) update();
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

  // A suggestion picked from a box's list counts at once; other typing counts on Enter or leaving the box.
  function picked(input) {
    var list = input.list;
    if (!list) return false;
    for (var i = 0; i < list.options.length; i++) {
      if (list.options[i].value === input.value) return true;
    }
    return false;
  }

  form.addEventListener("change", function () {
    clearTimeout(timer);
    update();
  });
  form.addEventListener("input", function (e) {
    if (!e.target) return;
    if (e.target.type === "number") {
      clearTimeout(timer);
      timer = setTimeout(update, 400);
    } else if (e.target.type === "text" && picked(e.target)) {
      clearTimeout(timer);
      update();
    }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    update();
  });
  document.addEventListener("click", function (e) {
    // A candidate of an ambiguous place or title: put it in its box and update.
    var pick = e.target && e.target.closest ? e.target.closest("a[data-field]") : null;
    if (pick && !(e.ctrlKey || e.metaKey || e.shiftKey) && form.elements[pick.getAttribute("data-field")]) {
      e.preventDefault();
      form.elements[pick.getAttribute("data-field")].value = pick.getAttribute("data-value");
      clearTimeout(timer);
      update();
      return;
    }
    var a = e.target && e.target.closest ? e.target.closest("a[data-sort]") : null;
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    form.elements.sort.value = a.getAttribute("data-sort");
    update();
  });
  lastQuery = query();
})();
