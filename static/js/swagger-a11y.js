/* Swagger UI puts a deep link (<a class="nostyle" href="#/tag/operation">) inside the button
   that opens each operation: a link inside a button is two controls in one, which screen
   readers and keyboards cannot tell apart (WCAG 4.1.2, axe nested-interactive). The button
   already opens the operation and, with deep linking, sets the address; the inner link
   becomes plain text. Swagger renders with React after load and re-renders on every
   expand, so the fixes are applied to what it renders, as it renders it. The same pass
   names the controls Swagger leaves unnamed: the examples menus (labelled only by nearby
   text), the dialog's close button (an icon), and the dialog's "Authorize" button, whose
   aria-label ("Apply credentials") does not contain its visible word (WCAG 2.5.3). */
(function () {
  "use strict";
  function unnest(root) {
    root.querySelectorAll("button a[href], button [tabindex]:not([tabindex='-1'])").forEach(function (inner) {
      if (inner.tagName === "A") {
        inner.removeAttribute("href");
      } else {
        inner.setAttribute("tabindex", "-1");
      }
    });
  }
  function name(root) {
    root.querySelectorAll("select.examples-select-element:not([aria-label])").forEach(function (select) {
      select.setAttribute("aria-label", "Examples");
    });
    root.querySelectorAll("button.close-modal:not([aria-label])").forEach(function (button) {
      button.setAttribute("aria-label", "Close");
    });
    root.querySelectorAll("button.modal-btn[aria-label]").forEach(function (button) {
      var visible = button.textContent.trim();
      if (visible && button.getAttribute("aria-label").indexOf(visible) === -1) {
        button.setAttribute("aria-label", visible);
      }
    });
  }
  function fix(root) {
    unnest(root);
    name(root);
  }
  function start() {
    var root = document.getElementById("swagger-ui");
    if (!root) {
      return;
    }
    fix(root);
    new MutationObserver(function () {
      fix(root);
    }).observe(root, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
