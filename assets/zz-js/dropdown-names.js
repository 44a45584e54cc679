/* Every dropdown's button is named by its field's label, then what it holds: "Trust type: Acute,
 * Mental health; 2 selected".
 *
 * Dash 4's dropdown names its button with aria-labelledby="<id>-value-count <id>-value": with two
 * or more values chosen the name reads "2 selectedAcuteMental health" (the values run together)
 * while the button shows "A… 2 selected", so speech input ("click Acute") misses it and axe
 * reports label-content-name-mismatch (WCAG 2.5.3); and aria-labelledby overrides the <label for>,
 * so the name never says which filter it is. The component has no prop for its name, so the name
 * is written here, and again whenever the dropdown changes or re-renders (React leaves alone an
 * attribute it did not change, and a remounted button comes back with its own aria-labelledby).
 * smq.css shows the count alone once there is one, so what the button shows is part of its name.
 */
(function () {
  "use strict";

  function labelText(id) {
    var labels = document.querySelectorAll("label[for]");
    for (var i = 0; i < labels.length; i++) {
      if (labels[i].htmlFor === id) return labels[i].textContent.trim();
    }
    return "";
  }

  function text(node) {
    return node ? node.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function nameOf(button) {
    var id = button.id;
    var value = document.getElementById(id + "-value");
    var items = value ? value.querySelectorAll(".dash-dropdown-value-item") : [];
    var chosen = items.length ? Array.prototype.map.call(items, text).join(", ") : text(value);
    var count = text(document.getElementById(id + "-value-count"));
    var label = labelText(id);
    var held = [chosen, count].filter(Boolean).join("; ");
    return [label, held].filter(Boolean).join(": ");
  }

  function rename(button) {
    if (!button.id) return;
    var name = nameOf(button);
    if (!name) return;
    if (button.hasAttribute("aria-labelledby")) button.removeAttribute("aria-labelledby");
    if (button.getAttribute("aria-label") !== name) button.setAttribute("aria-label", name);
  }

  function renameAll() {
    var buttons = document.querySelectorAll("button.dash-dropdown");
    for (var i = 0; i < buttons.length; i++) rename(buttons[i]);
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      renameAll();
    });
  }

  function start() {
    renameAll();
    new MutationObserver(schedule).observe(document.body, {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
      attributeFilter: ["aria-labelledby"],
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
