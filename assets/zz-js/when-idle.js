/* Clientside callbacks that hand a component data it does not need for the first paint: the
 * value passes through once the browser is next idle (after the charts have drawn), or after
 * 1.5 s at the latest. Dash waits for the promise and then sets the output.
 * Used as ClientsideFunction("smq", "whenIdle") (see callbacks/common.py: deferred_copy).
 */
(function () {
  "use strict";
  var smq = (window.dash_clientside = window.dash_clientside || {}).smq || {};
  window.dash_clientside.smq = smq;
  smq.whenIdle = function (value) {
    return new Promise(function (resolve) {
      var done = function () { resolve(value === undefined || value === null ? [] : value); };
      if (window.requestIdleCallback) {
        window.requestIdleCallback(done, {timeout: 1500});
      } else {
        window.setTimeout(done, 50);
      }
    });
  };
})();
