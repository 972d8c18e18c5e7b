// Small enhancements of the portal's server-rendered pages. Everything works without
// this file; it only saves page reloads. No inline script anywhere (CSP).
(function () {
  "use strict";

  function focusErrorSummary() {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) {
      summary.focus();
    }
  }

  function setupSchoolSearch(input) {
    var select = document.getElementById(input.getAttribute("data-target"));
    var status = document.getElementById(input.id + "_status");
    var button = document.querySelector('[data-school-search-button="' + input.id + '"]');
    var timer = null;
    var lastQuery = null;
    if (!select) {
      return;
    }

    function search() {
      var query = input.value.trim();
      if (query === lastQuery) {
        return;
      }
      lastQuery = query;
      if (query.length < 2) {
        if (status) { status.textContent = input.getAttribute("data-too-short"); }
        return;
      }
      var url = input.getAttribute("data-url") + "?q=" + encodeURIComponent(query) +
        "&empty=" + encodeURIComponent(input.getAttribute("data-empty") || "");
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("search failed"); }
          return response.text();
        })
        .then(function (html) {
          var chosen = select.value;
          var chosenOption = select.querySelector('option[value="' + chosen + '"]');
          select.innerHTML = html;
          if (chosen && chosenOption && !select.querySelector('option[value="' + chosen + '"]')) {
            select.appendChild(chosenOption);
          }
          select.value = chosen;
          // The sentence comes with the results, in the page's language and plural form.
          var said = select.querySelector("option[data-status]");
          if (status && said) {
            status.textContent = said.getAttribute("data-status");
          }
        })
        .catch(function () {
          if (status) { status.textContent = input.getAttribute("data-failed"); }
          lastQuery = null;
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 300);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        lastQuery = null;
        search();
      }
    });
    if (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        lastQuery = null;
        search();
      });
    }
  }

  // On a phone the navigation folds behind a "Menu" button; without this file it
  // simply wraps onto a second line.
  function setupNavigation(nav) {
    var button = nav.querySelector(".nav-toggle");
    var narrow = window.matchMedia("(max-width: 40rem)");
    if (!button) {
      return;
    }
    function apply() {
      button.hidden = !narrow.matches;
      nav.classList.toggle("nav-folded", narrow.matches && button.getAttribute("aria-expanded") !== "true");
    }
    button.addEventListener("click", function () {
      button.setAttribute("aria-expanded", button.getAttribute("aria-expanded") === "true" ? "false" : "true");
      apply();
    });
    narrow.addEventListener("change", apply);
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    document.querySelectorAll("[data-nav]").forEach(setupNavigation);
    document.querySelectorAll("[data-school-search]").forEach(setupSchoolSearch);
  });
  // A form sent from a page opened at #main (the skip link) comes back at #main, and
  // the browser moves the focus there once the page has loaded: the error summary must
  // still get it (tests/browser/test_keyboard_flows.py).
  window.addEventListener("load", function () {
    window.setTimeout(focusErrorSummary, 0);
  });
})();
