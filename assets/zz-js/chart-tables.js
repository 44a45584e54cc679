/* The numbers of every chart as a table: the accessible twin of the chart, and what a presenter
 * copies into a slide or a spreadsheet.
 *
 * layouts.components.chart() puts a collapsed <details class="smq-chart-table" data-graph="<id>">
 * under each dcc.Graph. Nothing is sent twice: the table is built here, in the browser, from the
 * figure as Plotly decoded it (gd._fullData, gd._fullLayout), when the disclosure opens, and again
 * after every re-plot (plotly_afterplot) while it is open, so it follows the filters.
 *
 * One table per figure shape:
 *   - lines and bars: one row per category or date, one column per visible trace, named by its
 *     legend name. The hidden edge of a shaded band (no name, then a `tonexty` fill) and the
 *     band make one column, "low to high". Markers that only mark points of a line (SPC
 *     variation, CUSUM signals) become one "Marked as" column. A trace that holds many lines
 *     separated by gaps (every trust's line) gives a column per line, named by its point labels.
 *   - bars with a base (timelines, Gantt): one row per bar or marker: row, what, from, to, detail.
 *   - labelled points (cost against consequence, box plots): one row per point.
 *   - heatmaps: one row per x, one column per y, the cell as the chart writes it.
 * Values are written as UK readers write them: "1,234", "£1,234", "1 Mar 2016" ("Mar 2016" when
 * every date is the first of its month), never "709.0" for a count.
 */
(function () {
  "use strict";

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var DETAILS = "details.smq-chart-table";
  var NUMERIC = /^-?£?[\d,]+(\.\d+)?%?( to -?£?[\d,]+(\.\d+)?%?)?$/;

  // ---------------------------------------------------------------------------------------
  // Reading the figure

  function plotOf(graphId) {
    var root = document.getElementById(graphId);
    if (!root) return null;
    return root.classList.contains("js-plotly-plot") ? root : root.querySelector(".js-plotly-plot");
  }

  function list(value) {
    if (value === null || value === undefined) return [];
    if (ArrayBuffer.isView(value)) return Array.prototype.slice.call(value);
    if (Array.isArray(value)) return value;
    return [value];
  }

  function words(html) {
    if (html === null || html === undefined) return "";
    var text = String(html).replace(/<br\s*\/?>/gi, " ");
    var doc = new DOMParser().parseFromString(text, "text/html");
    return (doc.body.textContent || "").replace(/\s+/g, " ").trim();
  }

  function axisOf(gd, ref) {
    var name = (ref || "x").replace(/^([xy])(\d*)$/, function (_, letter, n) {
      return letter + "axis" + n;
    });
    return (gd._fullLayout && gd._fullLayout[name]) || {};
  }

  function axisTitle(axis, fallback) {
    // The figure's own title (_fullLayout holds an editor's placeholder when there is none).
    var title = axis && axis._input && axis._input.title;
    var text = title && (typeof title === "string" ? title : title.text);
    return words(text) || fallback;
  }

  function ownName(trace) {
    var input = trace._input || {};
    return words(input.name);
  }

  function chartTitle(gd) {
    var title = gd._fullLayout && gd._fullLayout.title;
    var text = words(title && title.text);
    if (text) return text;
    var card = gd.closest(".smq-card");
    var heading = card && card.querySelector(".smq-card-title");
    return heading ? heading.textContent.trim() : "The chart's numbers";
  }

  // ---------------------------------------------------------------------------------------
  // UK formats (as dashboard/formats.py writes them on the server)

  function isBlank(value) {
    return value === null || value === undefined || value === "" || (typeof value === "number" && !isFinite(value));
  }

  function toDate(value) {
    if (isBlank(value)) return null;
    if (value instanceof Date) return value;
    if (typeof value === "number") return new Date(value);
    var m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(String(value));
    if (m) return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0)));
    var parsed = new Date(value);
    return isNaN(parsed.getTime()) ? null : parsed;
  }

  // Whether the axis runs backwards (a category axis with autorange "reversed" does).
  function reversedAxis(axis) {
    var range = axis && axis.range;
    return !!(range && range.length === 2 && Number(range[0]) > Number(range[1]));
  }

  function monthly(dates) {
    return dates.length > 0 && dates.every(function (d) {
      return !d || (d.getUTCDate() === 1 && d.getUTCHours() === 0);
    });
  }

  function dateText(d, byMonth) {
    if (!d) return "";
    var month = MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
    return byMonth ? month : d.getUTCDate() + " " + month;
  }

  function numberText(value, axis) {
    if (isBlank(value)) return "";
    var n = Number(value);
    if (typeof value === "string" && isNaN(n)) return words(value);
    if (isNaN(n)) return "";
    var prefix = (axis && axis.tickprefix) || "";
    var suffix = (axis && axis.ticksuffix) || "";
    // Counts as counts ("709", never "709.0"); pounds whole; other measures to 1 or 2 places.
    var digits = 2;
    if (Number.isInteger(n)) digits = 0;
    else if (prefix === "£") digits = Math.abs(n) >= 10 ? 0 : 2;
    else if (Math.abs(n) >= 100) digits = 1;
    var body = new Intl.NumberFormat("en-GB", { maximumFractionDigits: digits }).format(Math.abs(n));
    if (body === "0") return prefix + "0" + suffix;
    return (n < 0 ? "-" : "") + prefix + body + suffix;
  }

  // A value on an axis, as its reader reads it: dates, category names, tick labels, numbers.
  function axisReader(axis, values) {
    if (axis.type === "date") {
      var dates = values.map(toDate);
      var byMonth = monthly(dates.filter(Boolean));
      return function (v) {
        return dateText(toDate(v), byMonth);
      };
    }
    var ticks = axis.tickmode === "array" ? list(axis.tickvals) : [];
    var labels = list(axis.ticktext);
    if (ticks.length && labels.length === ticks.length && axis.type !== "category") {
      return function (v) {
        var best = -1;
        var gap = Infinity;
        ticks.forEach(function (t, i) {
          var d = Math.abs(Number(t) - Number(v));
          if (d < gap) {
            gap = d;
            best = i;
          }
        });
        return best >= 0 && gap <= 0.5 ? words(labels[best]) : numberText(v, axis);
      };
    }
    if (axis.type === "category" || axis.type === "multicategory") {
      return function (v) {
        return words(v);
      };
    }
    return function (v) {
      return numberText(v, axis);
    };
  }

  // ---------------------------------------------------------------------------------------
  // Table models: {caption, head: [...], rows: [[header, cell, ...]], rowHeaders: bool}

  function isBar(t) {
    return t.type === "bar";
  }

  function hasBase(t) {
    return isBar(t) && list(t.base).length > 0;
  }

  function markersOnly(t) {
    return (t.type === "scatter" || t.type === "scattergl") && String(t.mode || "").indexOf("lines") < 0;
  }

  function pointLabel(trace, i) {
    var custom = list(trace.customdata)[i];
    if (custom !== undefined && custom !== null && typeof custom === "object") {
      var strings = list(custom).filter(function (c) {
        return typeof c === "string" && c !== "";
      });
      // A name rather than a code: the longest text the point carries.
      if (strings.length) {
        return words(
          strings.reduce(function (a, b) {
            return b.length > a.length ? b : a;
          })
        );
      }
    } else if (typeof custom === "string" && custom) {
      return words(custom);
    }
    var text = list(trace.hovertext)[i] || list(trace.text)[i];
    return typeof text === "string" ? words(text) : "";
  }

  function labelledPoints(t) {
    if (t.type === "box") return true;
    if (!markersOnly(t)) return false;
    var first = list(t.customdata)[0];
    var head = first !== null && typeof first === "object" ? list(first)[0] : first;
    return typeof head === "string";
  }

  function heatmapTables(gd, traces, title) {
    return traces.map(function (t) {
      var xs = list(t.x);
      var ys = list(t.y);
      var z = list(t.z).map(list);
      var text = list(t.text).map(list);
      var xAxis = axisOf(gd, t.xaxis);
      var yAxis = axisOf(gd, t.yaxis);
      if (!xs.length) xs = (z[0] || []).map(function (_, j) { return j; });
      if (!ys.length) ys = z.map(function (_, i) { return i; });
      var readX = axisReader(xAxis, xs);
      var readY = axisReader(yAxis, ys);
      var cell = function (i, j) {
        var shown = text[i] && text[i][j];
        return shown ? words(shown) : numberText((z[i] || [])[j]);
      };
      var yOrder = ys.map(function (_, i) { return i; });
      if (yAxis.type === "category" && !reversedAxis(yAxis)) yOrder.reverse(); // top row first
      // A row along the longer side: a long table reads better than a wide one.
      if (ys.length > xs.length) {
        return {
          caption: title,
          head: [axisTitle(yAxis, "Category")].concat(xs.map(readX)),
          rows: yOrder.map(function (i) {
            return [readY(ys[i])].concat(xs.map(function (_, j) { return cell(i, j); }));
          }),
          rowHeaders: true,
        };
      }
      return {
        caption: title,
        head: [axisTitle(xAxis, "Category")].concat(yOrder.map(function (i) { return readY(ys[i]); })),
        rows: xs.map(function (x, j) {
          return [readX(x)].concat(yOrder.map(function (i) { return cell(i, j); }));
        }),
        rowHeaders: true,
      };
    });
  }

  function spanTable(gd, traces, title) {
    var entries = [];
    var rowAxisRef = null;
    var horizontal = traces.filter(hasBase)[0].orientation === "h";
    traces.forEach(function (t) {
      var bar = isBar(t);
      var catRef = horizontal ? t.yaxis : t.xaxis;
      var valRef = horizontal ? t.xaxis : t.yaxis;
      rowAxisRef = rowAxisRef || catRef;
      var cats = list(horizontal ? t.y : t.x);
      var vals = list(horizontal ? t.x : t.y);
      var bases = list(t.base);
      var valueAxis = axisOf(gd, valRef);
      cats.forEach(function (c, i) {
        if (isBlank(c) || (bar ? isBlank(vals[i]) : isBlank(vals[i]))) return;
        var from = bar ? toDate(bases[i] !== undefined ? bases[i] : bases[0]) : toDate(vals[i]);
        var to = bar && from ? new Date(from.getTime() + Number(vals[i])) : null;
        var detail = "";
        if (bar) {
          var text = list(t.text)[i];
          detail = isBlank(text) ? "" : words(text);
        } else {
          var custom = list(t.customdata)[i];
          detail = list(custom)
            .slice(1)
            .filter(function (c) {
              return typeof c === "string" && c;
            })
            .map(words)
            .join(", ");
        }
        entries.push({
          position: Number(c),
          category: c,
          what: ownName(t) || axisTitle(valueAxis, "Value"),
          from: valueAxis.type === "date" ? from : null,
          to: to,
          raw: valueAxis.type === "date" ? null : vals[i],
          detail: detail,
          axis: valueAxis,
        });
      });
    });
    var rowAxis = axisOf(gd, rowAxisRef);
    var categories = rowAxis._categories || [];
    entries.forEach(function (e) {
      var index = categories.indexOf(e.category);
      e.order = rowAxis.type === "category" ? index : e.position;
    });
    // Top of the chart first (left first for upright bars).
    var topFirst = horizontal ? (reversedAxis(rowAxis) ? 1 : -1) : reversedAxis(rowAxis) ? -1 : 1;
    entries.sort(function (a, b) {
      var byRow = (Math.round(a.order) - Math.round(b.order)) * topFirst;
      if (byRow) return byRow;
      return (a.from ? a.from.getTime() : 0) - (b.from ? b.from.getTime() : 0);
    });
    var readRow = axisReader(rowAxis, entries.map(function (e) { return e.category; }));
    var allDates = [];
    entries.forEach(function (e) {
      if (e.from) allDates.push(e.from);
      if (e.to) allDates.push(e.to);
    });
    var byMonth = monthly(allDates);
    var withDetail = entries.some(function (e) { return e.detail; });
    var head = [axisTitle(rowAxis, "Category"), "What", "From", "To"];
    if (withDetail) head.push("Detail");
    var rows = entries.map(function (e) {
      var row = [
        readRow(e.category),
        e.what,
        e.from ? dateText(e.from, byMonth) : numberText(e.raw, e.axis),
        e.to ? dateText(e.to, byMonth) : "",
      ];
      if (withDetail) row.push(e.detail);
      return row;
    });
    return [{ caption: title, head: head, rows: rows, rowHeaders: true }];
  }

  function pointTable(gd, traces, title) {
    var first = traces[0];
    var box = first.type === "box";
    var xAxis = axisOf(gd, first.xaxis);
    var yAxis = axisOf(gd, first.yaxis);
    var named = traces.filter(ownName).length > 0;
    var head = ["Name"];
    if (named) head.push(box ? "Set" : "Series");
    if (!box) head.push(axisTitle(xAxis, "x"));
    head.push(axisTitle(yAxis, box ? "Value" : "y"));
    var readX = axisReader(xAxis, []);
    var rows = [];
    traces.forEach(function (t) {
      var ys = list(t.y);
      var xs = list(t.x);
      ys.forEach(function (y, i) {
        if (isBlank(y)) return;
        var row = [pointLabel(t, i) || String(i + 1)];
        if (named) row.push(ownName(t));
        if (!box) row.push(readX(xs[i]));
        row.push(numberText(y, yAxis));
        rows.push(row);
      });
    });
    return [{ caption: title, head: head, rows: rows, rowHeaders: true }];
  }

  // The lines and bars of one panel: a row per category or date, a column per trace.
  function gridTable(gd, traces, caption) {
    var rows = new Map();
    var columns = [];
    var catAxis = null;
    var valueAxis = null;
    var marks = [];
    function rowFor(key, raw) {
      if (!rows.has(key)) rows.set(key, { raw: raw, order: rows.size });
      return key;
    }
    traces.forEach(function (t, index) {
      var horizontal = isBar(t) && t.orientation === "h";
      var cats = list(horizontal ? t.y : t.x);
      var vals = list(horizontal ? t.x : t.y);
      catAxis = catAxis || axisOf(gd, horizontal ? t.yaxis : t.xaxis);
      var axis = axisOf(gd, horizontal ? t.xaxis : t.yaxis);
      valueAxis = valueAxis || axis;
      var name = ownName(t);
      var next = traces[index + 1];
      // The hidden edge of a band: the band's own trace (the next, filled to it) shows both.
      if (!name && next && next.fill === "tonexty") return;
      var previous = traces[index - 1];
      var band = t.fill === "tonexty" && previous && !ownName(previous) ? list(horizontal ? previous.x : previous.y) : null;
      var seen = {};
      var repeats = cats.some(function (c) {
        if (isBlank(c)) return false;
        var k = String(c);
        if (seen[k]) return true;
        seen[k] = true;
        return false;
      });
      if (repeats) {
        // Many lines in one trace, separated by gaps: a column per line.
        var segment = null;
        cats.forEach(function (c, i) {
          if (isBlank(c) || isBlank(vals[i])) {
            segment = null;
            return;
          }
          if (!segment) {
            segment = { name: pointLabel(t, i) || name, cells: new Map(), axis: axis };
            columns.push(segment);
          }
          segment.cells.set(rowFor(String(c), c), vals[i]);
        });
        return;
      }
      var column = { name: name || axisTitle(axis, "Value"), cells: new Map(), axis: axis, trace: t };
      cats.forEach(function (c, i) {
        if (isBlank(c)) return;
        var key = rowFor(String(c), c);
        if (band) {
          var low = Math.min(Number(vals[i]), Number(band[i]));
          var high = Math.max(Number(vals[i]), Number(band[i]));
          if (!isNaN(low) && !isNaN(high)) column.cells.set(key, { low: low, high: high });
        } else if (!isBlank(vals[i])) {
          column.cells.set(key, vals[i]);
        }
      });
      column.band = !!band;
      if (markersOnly(t) && name) marks.push(column);
      columns.push(column);
    });
    // Markers that sit on a line's points say something about those points: one column.
    var lines = columns.filter(function (c) {
      return c.trace && !markersOnly(c.trace) && !c.band;
    });
    var marked = marks.filter(function (m) {
      return (
        m.cells.size > 0 &&
        lines.some(function (line) {
          var all = true;
          m.cells.forEach(function (v, k) {
            if (!line.cells.has(k) || Math.abs(Number(line.cells.get(k)) - Number(v)) > 1e-9) all = false;
          });
          return all;
        })
      );
    });
    columns = columns.filter(function (c) {
      return marked.indexOf(c) < 0;
    });
    if (marked.length) {
      var labels = new Map();
      marked.forEach(function (m) {
        m.cells.forEach(function (_, k) {
          labels.set(k, labels.has(k) ? labels.get(k) + "; " + m.name : m.name);
        });
      });
      columns.push({ name: "Marked as", cells: labels, text: true });
    }
    var keys = Array.from(rows.keys());
    catAxis = catAxis || {};
    if (catAxis.type === "date" || catAxis.type === "linear" || catAxis.type === "log") {
      var number = function (k) {
        var raw = rows.get(k).raw;
        return catAxis.type === "date" ? (toDate(raw) || new Date(0)).getTime() : Number(raw);
      };
      keys.sort(function (a, b) {
        return number(a) - number(b);
      });
    } else if (
      catAxis.type === "category" &&
      traces.every(function (t) {
        return isBar(t) && t.orientation === "h";
      }) !== reversedAxis(catAxis)
    ) {
      keys.reverse(); // top of the chart first: horizontal bars draw the first category at the bottom
    }
    var readCat = axisReader(catAxis, keys.map(function (k) { return rows.get(k).raw; }));
    var fallback = "Category";
    if (catAxis.type === "date") {
      fallback = monthly(keys.map(function (k) { return toDate(rows.get(k).raw); }).filter(Boolean)) ? "Month" : "Date";
    }
    var head = [axisTitle(catAxis, fallback)].concat(
      columns.map(function (c) {
        return c.name;
      })
    );
    var body = keys.map(function (k) {
      return [readCat(rows.get(k).raw)].concat(
        columns.map(function (c) {
          if (!c.cells.has(k)) return "";
          var v = c.cells.get(k);
          if (c.text) return v;
          if (v && typeof v === "object" && "low" in v) return numberText(v.low, c.axis) + " to " + numberText(v.high, c.axis);
          return numberText(v, c.axis);
        })
      );
    });
    return { caption: caption, head: head, rows: body, rowHeaders: true };
  }

  // A strip of lanes (a y axis whose ticks name the lanes): a row per span drawn in a lane.
  function isLaneAxis(axis) {
    return axis.tickmode === "array" && list(axis.ticktext).length > 0 && axis.type !== "category";
  }

  function laneTable(gd, traces, caption) {
    var rows = [];
    var dates = [];
    traces.forEach(function (t) {
      var xs = list(t.x);
      var ys = list(t.y);
      var hover = list(t.hovertext).length ? list(t.hovertext) : list(t.text);
      var readLane = axisReader(axisOf(gd, t.yaxis), ys);
      var xAxis = axisOf(gd, t.xaxis);
      var span = null;
      xs.concat([null]).forEach(function (x, i) {
        if (isBlank(x)) {
          if (span) rows.push(span);
          span = null;
          return;
        }
        if (!span) span = { lane: readLane(ys[i]), what: ownName(t), from: x, to: null, detail: words(hover[i] || ""), axis: xAxis };
        else span.to = x;
      });
    });
    rows.forEach(function (r) {
      if (r.axis.type === "date") {
        dates.push(toDate(r.from));
        if (r.to !== null) dates.push(toDate(r.to));
      }
    });
    var byMonth = monthly(dates.filter(Boolean));
    var write = function (r, v) {
      if (v === null) return "";
      return r.axis.type === "date" ? dateText(toDate(v), byMonth) : numberText(v, r.axis);
    };
    return {
      caption: caption,
      head: ["Lane", "What", "From", "To", "Detail"],
      rows: rows.map(function (r) {
        return [r.lane, r.what, write(r, r.from), write(r, r.to), r.detail];
      }),
      rowHeaders: true,
    };
  }

  function panelTitle(gd, domain) {
    var notes = (gd._fullLayout && gd._fullLayout.annotations) || [];
    var best = null;
    notes.forEach(function (a) {
      if (a.yref === "paper" && a.xref === "paper" && a.showarrow === false && Math.abs(a.y - domain[1]) < 0.02) {
        best = words(a.text);
      }
    });
    return best;
  }

  function tablesOf(gd) {
    var full = gd._fullData || [];
    var traces = full.filter(function (t) {
      return t.visible === true;
    });
    var title = chartTitle(gd);
    if (!traces.length) return [];
    var maps = traces.filter(function (t) {
      return t.type === "heatmap";
    });
    if (maps.length) return heatmapTables(gd, maps, title);
    if (traces.some(hasBase)) return spanTable(gd, traces, title);
    if (traces.every(labelledPoints)) return pointTable(gd, traces, title);
    // A panel per y-axis domain (subplots stacked one above the other).
    var panels = [];
    var byDomain = {};
    traces.forEach(function (t) {
      var axis = axisOf(gd, t.yaxis);
      var domain = axis.domain || [0, 1];
      var key = domain.join(",");
      if (!byDomain[key]) {
        byDomain[key] = { domain: domain, traces: [] };
        panels.push(byDomain[key]);
      }
      byDomain[key].traces.push(t);
    });
    panels.sort(function (a, b) {
      return b.domain[1] - a.domain[1];
    });
    var largest = panels.reduce(function (a, b) {
      return b.domain[1] - b.domain[0] > a.domain[1] - a.domain[0] ? b : a;
    });
    return panels.map(function (panel, i) {
      var lanes = isLaneAxis(axisOf(gd, panel.traces[0].yaxis));
      var caption = title;
      if (panels.length > 1) {
        var named = panelTitle(gd, panel.domain);
        if (named) caption += ": " + named;
        else if (lanes) caption += ": " + panel.traces.map(ownName).filter(Boolean).join(", ");
        else if (panel !== largest) caption += " (part " + (i + 1) + ")";
      }
      return lanes ? laneTable(gd, panel.traces, caption) : gridTable(gd, panel.traces, caption);
    });
  }

  // ---------------------------------------------------------------------------------------
  // Drawing

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function tableElement(model) {
    var table = element("table", "table table-sm smq-table smq-chart-table-grid");
    table.appendChild(element("caption", null, model.caption));
    var head = element("thead");
    var headRow = element("tr");
    model.head.forEach(function (h) {
      var th = element("th", null, h);
      th.setAttribute("scope", "col");
      headRow.appendChild(th);
    });
    head.appendChild(headRow);
    table.appendChild(head);
    var body = element("tbody");
    model.rows.forEach(function (row) {
      var tr = element("tr");
      row.forEach(function (cell, i) {
        var node;
        if (i === 0 && model.rowHeaders) {
          node = element("th", null, cell);
          node.setAttribute("scope", "row");
        } else {
          node = element("td", NUMERIC.test(cell) ? "smq-chart-table-number" : null, cell);
        }
        tr.appendChild(node);
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    return table;
  }

  function tsv(models) {
    return models
      .map(function (m) {
        return [m.caption, m.head.join("\t")]
          .concat(
            m.rows.map(function (r) {
              return r.join("\t");
            })
          )
          .join("\n");
      })
      .join("\n\n");
  }

  function copyTables(details, button) {
    var models = details.__smqModels || [];
    var text = tsv(models);
    var html = Array.prototype.map
      .call(details.querySelectorAll("table"), function (t) {
        return t.outerHTML;
      })
      .join("<br>");
    var status = details.querySelector(".smq-chart-table-status");
    var say = function (message) {
      if (status) status.textContent = message;
    };
    var fallback = function () {
      var area = element("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "smq-chart-table-clip";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (e) {
        ok = false;
      }
      document.body.removeChild(area);
      button.focus();
      say(ok ? "Table copied." : "Could not copy: select the table and copy it.");
    };
    if (navigator.clipboard && window.ClipboardItem && navigator.clipboard.write) {
      var item = new window.ClipboardItem({
        "text/plain": new Blob([text], { type: "text/plain" }),
        "text/html": new Blob([html], { type: "text/html" }),
      });
      navigator.clipboard.write([item]).then(function () {
        say("Table copied: paste it into a slide or a spreadsheet.");
      }, fallback);
    } else if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () {
        say("Table copied: paste it into a slide or a spreadsheet.");
      }, fallback);
    } else {
      fallback();
    }
  }

  function signature(gd) {
    return (gd._fullData || [])
      .map(function (t) {
        return String(t.visible) + ":" + (t._input ? list(t._input.x).length + "/" + list(t._input.y).length : "");
      })
      .join("|");
  }

  function render(details, force) {
    if (!details.open) return;
    var body = details.querySelector(".smq-chart-table-body");
    if (!body) return;
    var gd = plotOf(details.getAttribute("data-graph"));
    watch(gd);
    var key = gd && gd._fullData ? signature(gd) : "";
    if (!force && gd && details.__smqData === gd.data && details.__smqKey === key) return;
    var models = [];
    var problem = null;
    if (!gd || !gd._fullData) {
      problem = "The chart is still being drawn; its numbers appear here when it is.";
    } else {
      details.__smqData = gd.data;
      details.__smqKey = key;
      try {
        models = tablesOf(gd).filter(function (m) {
          return m.rows.length > 0;
        });
      } catch (e) {
        problem = "The numbers of this chart could not be laid out as a table.";
      }
      if (!problem && !models.length) problem = "The chart shows no numbers.";
    }
    details.__smqModels = models;
    body.textContent = "";
    if (models.length) {
      var copy = element("button", "btn btn-outline-primary btn-sm smq-chart-table-copy", "Copy table");
      copy.type = "button";
      copy.addEventListener("click", function () {
        copyTables(details, copy);
      });
      body.appendChild(copy);
    }
    models.forEach(function (model) {
      var wrap = element("div", "smq-table-wrap smq-chart-table-scroll");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", model.caption + " (table, scrolls)");
      wrap.appendChild(tableElement(model));
      body.appendChild(wrap);
    });
    var status = element("p", "smq-chart-table-status smq-small smq-muted", problem || "");
    status.setAttribute("role", "status");
    body.appendChild(status);
  }

  function refreshFor(gd) {
    document.querySelectorAll(DETAILS).forEach(function (details) {
      if (!details.open) return;
      var mine = plotOf(details.getAttribute("data-graph"));
      if (mine === gd) render(details, false);
    });
  }

  function watch(gd) {
    if (!gd || gd.__smqTableWatch || typeof gd.on !== "function") return;
    gd.__smqTableWatch = true;
    var pending = false;
    gd.on("plotly_afterplot", function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        refreshFor(gd);
      });
    });
  }

  // <details> fires "toggle" without bubbling: listen in the capture phase.
  document.addEventListener(
    "toggle",
    function (event) {
      var details = event.target;
      if (details && details.matches && details.matches(DETAILS) && details.open) render(details, true);
    },
    true
  );
  // assets/zz-js/chart-export.js says when a chart has been drawn (Plotly.react/newPlot).
  document.addEventListener("smq:plotted", function (event) {
    var gd = event.target;
    watch(gd);
    refreshFor(gd);
  });

  window.smqChartTables = { tablesOf: tablesOf, render: render };
})();
