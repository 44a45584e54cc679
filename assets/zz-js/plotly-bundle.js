/* dcc.Graph loads plotly.js from window._dashPlotlyJSURL the first time a page draws a chart
   (unless window.Plotly is already there). Dash's renderer sets that URL to the full bundle;
   this keeps it on the partial bundle the page names (smq_monitor/web/plotly_bundle.py), which
   holds every trace type the dashboard draws and is a third of the size. Without the meta tag
   (an error page) Dash's own URL stands. */
(function () {
  var meta = document.querySelector('meta[name="smq-plotly-bundle"]');
  if (!meta || !meta.content) { return; }
  var url = meta.content;
  Object.defineProperty(window, "_dashPlotlyJSURL", {
    configurable: true,
    get: function () { return url; },
    set: function () { /* the renderer's full-bundle URL: keep the partial one */ }
  });
})();
