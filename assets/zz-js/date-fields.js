/* From and To: typed as dd/mm/yyyy, or picked from the browser's own calendar.
 *
 * The text input is what people see, read and type in, in the same format whatever the
 * browser's language. Beside it, a button opens the calendar of a native date input that is
 * kept out of sight (visibility: hidden, so out of the tab order and the accessibility tree,
 * yet laid out under the text input so the calendar opens there). The date picked is that
 * input's value, which the filter bar's callback writes to the URL as an ISO date; the URL
 * then shows it in the text input as dd/mm/yyyy (layouts/shell.date_field, callbacks/shell).
 * A browser without showPicker() gets the native input itself, shown in place of the button.
 */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest(".smq-date-open") : null;
    if (!button) return;
    var picker = document.getElementById(button.getAttribute("data-picker"));
    if (!picker) return;
    if (typeof picker.showPicker === "function") {
      try {
        picker.showPicker();
        return;
      } catch (e) {
        // Not allowed here (for example inside a cross-origin frame): show the input itself.
      }
    }
    picker.closest(".smq-date").classList.add("smq-date--native");
    picker.focus();
  });
})();
