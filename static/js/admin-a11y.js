/* Admin-side repairs of Django's own widget markup, which the templates cannot reach (the
   widgets render through the form renderer, from Django's templates only):

   - the filter boxes of many-to-many fields (SelectFilter2.js) put an aria-label on a bare
     <span> icon, which has no role that may be named (axe aria-prohibited-attr); as an
     image it may;
   - the split date and time widget writes "Date:" and "Time:" as loose text beside its two
     inputs, so neither input has a name (WCAG 1.3.1, axe label); each gets the field's
     label and its own word.

   SelectFilter2 builds its boxes on window load, so the repairs run again on what is added. */
(function () {
  "use strict";
  function repair(root) {
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    root.querySelectorAll("p.datetime").forEach(function (widget) {
      var row = widget.closest(".form-row, .fieldBox, td");
      var fieldLabel = row ? row.querySelector("label:not(.visually-hidden)") : null;
      var field = fieldLabel ? fieldLabel.textContent.replace(/:\s*$/, "").trim() : "";
      var word = "";
      widget.childNodes.forEach(function (node) {
        if (node.nodeType === Node.TEXT_NODE && node.textContent.trim()) {
          word = node.textContent.trim().replace(/:\s*$/, "");
        } else if (node.nodeName === "INPUT" && !node.hasAttribute("aria-label") && !node.labels.length) {
          node.setAttribute("aria-label", field ? field + " (" + word + ")" : word);
        }
      });
    });
  }
  function start() {
    repair(document);
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        record.addedNodes.forEach(function (node) {
          if (node.nodeType === Node.ELEMENT_NODE) {
            repair(node.parentNode || document);
          }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
