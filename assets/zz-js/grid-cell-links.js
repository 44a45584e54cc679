/* Grid cells that hold one link (the icon matrix on /monitoring): Enter on the focused cell, or on
 * the link in it, follows the link. The grid moves between cells with the arrow keys and keeps
 * Enter for itself, so without this a keyboard user could reach a cell but never open it.
 * Used as a column's suppressKeyboardEvent: {"function": "followCellLink(params)"}.
 */
(function () {
  "use strict";
  var functions = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});
  functions.followCellLink = function (params) {
    var event = params.event;
    if (!event || event.key !== "Enter" || event.type !== "keydown") return false;
    var target = event.target;
    var link = target && target.tagName === "A" ? target : target && target.querySelector && target.querySelector("a[href]");
    if (!link) return false;
    event.preventDefault();
    link.click();
    return true;
  };
})();
