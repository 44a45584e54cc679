/* Chart exports for slides: every chart's toolbar offers PNG and SVG.
 *
 * Plotly's own camera button saves one format, picked per graph, and saves the chart as drawn:
 * our charts carry their title in the card around them, not in the figure. So the toolbar's
 * camera is replaced by two buttons that save the figure with
 *   - the card's title as the chart title,
 *   - the source line (dataset, as-of date, and "Synthetic demo data" when it is) and the filters
 *     in words as a subtitle, so a chart pasted into a slide still says where it came from,
 *   - the protective marking, on top of the title, when the chart's content includes CP
 *     information,
 * all from layout.meta.export, which the server sets on every chart (dashboard/marking.py
 * stamp_figure; the page footer's source line is the fallback),
 *   - the file name the page set in toImageButtonOptions.filename (smq-monitor-<view>-...).
 * The figure is re-drawn off-screen for the export; the chart on the page is not touched.
 *
 * dcc.Graph draws with window.Plotly.react(gd, {data, layout, config, frames}); plotly.js is
 * loaded lazily, so the wrapper is installed when window.Plotly is first set.
 * The toolbar buttons are also made reachable by keyboard (Tab, then Enter or Space), and each
 * drawing dispatches a bubbling "smq:plotted" event on the chart.
 */
(function () {
  "use strict";

  var DOWNLOAD_ICON = {
    width: 16,
    height: 16,
    path:
      "M.5 9.9a.5.5 0 0 1 .5.5v2.5a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-2.5a.5.5 0 0 1 1 0v2.5a2 2 0 0 1-2 2H2a2 " +
      "2 0 0 1-2-2v-2.5a.5.5 0 0 1 .5-.5zM7.646 11.854a.5.5 0 0 0 .708 0l3-3a.5.5 0 0 0-.708-.708L8.5 " +
      "10.293V1.5a.5.5 0 0 0-1 0v8.793L5.354 8.146a.5.5 0 1 0-.708.708l3 3z",
  };

  function chartTitle(gd) {
    var card = gd.closest(".smq-card");
    var heading = card && card.querySelector(".smq-card-title");
    var text = heading ? heading.textContent.trim() : "";
    if (!text) {
      var page = document.querySelector("#main h1");
      text = page ? page.textContent.trim() : "";
    }
    return text;
  }

  function sourceLine() {
    var footer = document.getElementById("smq-footer");
    return (footer && footer.getAttribute("data-chart-source")) || "Source: smq-monitor";
  }

  function escapeText(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function stampOf(gd) {
    var meta = (gd.layout && gd.layout.meta) || {};
    return (meta && typeof meta === "object" && !Array.isArray(meta) && meta.export) || {};
  }

  // The layout an exported image is drawn with (window.smqExportLayout, for tests): the card's
  // title, the source and filters lines, the marking when due, more room at the top.
  function exportLayout(gd) {
    var layout = JSON.parse(JSON.stringify(gd.layout || {}));
    var full = gd._fullLayout || {};
    var stamp = stampOf(gd);
    var own = layout.title && (typeof layout.title === "string" ? layout.title : layout.title.text);
    var title = own || chartTitle(gd);
    var lines = [stamp.source || sourceLine()];
    if (stamp.filters) lines.push(stamp.filters);
    var marked = typeof stamp.marking === "string" && stamp.marking;
    var markingRoom = marked ? 22 : 0;
    var heading = own ? own : escapeText(title || "smq-monitor");
    if (marked) {
      // The marking on top, in the NHS emergency red, as the first line of the title.
      heading =
        '<span style="color:#DA291C;font-size:13px"><b>' + escapeText(stamp.marking) + "</b></span><br>" + heading;
    }
    var width = full.width || 900;
    var top = 44 + 15 * lines.length + markingRoom;
    var height = (full.height || 450) + top;
    layout.title = {
      text: heading,
      x: 0,
      xref: "container",
      xanchor: "left",
      pad: { l: 12, t: 6 + markingRoom },
      yref: "container",
      y: 1,
      yanchor: "top",
      font: { size: 17 },
      subtitle: { text: lines.map(escapeText).join("<br>"), font: { size: 11 } },
    };
    layout.margin = Object.assign({}, full.margin || {}, layout.margin || {});
    var drawnTop = layout.margin.t || 0;
    layout.margin.t = Math.max(drawnTop, 24) + top;
    layout.paper_bgcolor = "#FFFFFF";
    layout.width = width;
    layout.height = height;
    return layout;
  }

  function exportFigure(gd, format) {
    var Plotly = window.Plotly;
    var options = (gd._context && gd._context.toImageButtonOptions) || {};
    var layout = exportLayout(gd);
    var width = layout.width;
    var height = layout.height;
    return Plotly.downloadImage(
      { data: gd.data, layout: layout, config: { locale: (gd._context || {}).locale } },
      {
        format: format,
        filename: options.filename || "smq-monitor-chart",
        width: width,
        height: height,
        scale: format === "png" ? 2 : 1,
      }
    );
  }

  function button(format) {
    var icons = (window.Plotly && window.Plotly.Icons) || {};
    return {
      name: "smq-download-" + format,
      title: "Download as " + format.toUpperCase() + (format === "svg" ? " (vector, for slides)" : ""),
      icon: format === "png" && icons.camera ? icons.camera : DOWNLOAD_ICON,
      click: function (gd) {
        exportFigure(gd, format);
      },
    };
  }

  function withExports(config) {
    var out = Object.assign({}, config || {});
    if (out.displayModeBar === false || out.staticPlot) return out;
    var remove = (out.modeBarButtonsToRemove || []).slice();
    if (remove.indexOf("toImage") < 0) remove.push("toImage");
    out.modeBarButtonsToRemove = remove;
    var add = (out.modeBarButtonsToAdd || []).filter(function (b) {
      return !(b && b.name && String(b.name).indexOf("smq-download-") === 0);
    });
    out.modeBarButtonsToAdd = add.concat([button("png"), button("svg")]);
    return out;
  }

  function keyboardToolbar(gd) {
    if (!gd || !gd.querySelectorAll) return;
    gd.querySelectorAll(".modebar-btn").forEach(function (btn) {
      if (btn.getAttribute("tabindex") === "0") return;
      btn.setAttribute("tabindex", "0");
      btn.setAttribute("role", "button");
      var label = btn.getAttribute("data-title");
      if (label) btn.setAttribute("aria-label", label);
      btn.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          btn.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
        }
      });
    });
  }

  function wrap(Plotly) {
    if (!Plotly || Plotly.__smqExports) return Plotly;
    ["react", "newPlot"].forEach(function (name) {
      var original = Plotly[name];
      if (typeof original !== "function") return;
      Plotly[name] = function (gd, data, layout, config) {
        var result;
        if (data && !Array.isArray(data) && typeof data === "object" && ("data" in data || "layout" in data)) {
          result = original.call(this, gd, Object.assign({}, data, { config: withExports(data.config) }));
        } else {
          result = original.call(this, gd, data, layout, withExports(config));
        }
        Promise.resolve(result).then(function (div) {
          var plot = div && div.querySelectorAll ? div : typeof gd === "string" ? document.getElementById(gd) : gd;
          keyboardToolbar(plot);
          // Tells what follows a chart (its table, assets/zz-js/chart-tables.js) that it has been drawn.
          if (plot && plot.dispatchEvent) plot.dispatchEvent(new CustomEvent("smq:plotted", { bubbles: true }));
        });
        return result;
      };
    });
    Plotly.__smqExports = true;
    window.smqExportFigure = exportFigure;
    window.smqExportLayout = exportLayout;
    return Plotly;
  }

  if (window.Plotly) {
    wrap(window.Plotly);
  } else {
    var current;
    Object.defineProperty(window, "Plotly", {
      configurable: true,
      enumerable: true,
      get: function () {
        return current;
      },
      set: function (value) {
        current = wrap(value);
      },
    });
  }
})();
