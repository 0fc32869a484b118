/* The prose editor's toolbar buttons (django-prose-editor) say "disabled" only with a class: a screen reader
 * announces undo, redo or link as usable when they are not. This mirrors the class onto aria-disabled="true" (the
 * button stays focusable and its click does nothing, as the package already makes it), on every editor of the page,
 * including the ones built after load (the live desk's) and at every state change (the package toggles the class
 * after each editor transaction). The look is in static/core/admin.css. */
(function () {
  "use strict";
  var BUTTON = ".prose-menubar__button";

  function mirror(button) {
    var disabled = button.classList.contains("disabled");
    if (disabled && button.getAttribute("aria-disabled") !== "true") button.setAttribute("aria-disabled", "true");
    else if (!disabled && button.hasAttribute("aria-disabled")) button.removeAttribute("aria-disabled");
  }

  function mirrorAll(root) {
    if (root.matches && root.matches(BUTTON)) mirror(root);
    if (root.querySelectorAll) root.querySelectorAll(BUTTON).forEach(mirror);
  }

  function start() {
    mirrorAll(document);
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        if (record.type === "attributes") {
          if (record.target.matches(BUTTON)) mirror(record.target);
        } else {
          record.addedNodes.forEach(function (node) { if (node.nodeType === 1) mirrorAll(node); });
        }
      });
    }).observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ["class"]});
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
