"""The one Plotly template every figure uses, with the palettes, symbols and configs that go with it.

Colours
-------
The identity colours are the NHS England palette. Categorical palettes are built for three
audiences at once: people with typical colour vision, people with red-green colour vision
deficiency (about 1 man in 12), and people reading slides in a bright room. So:

* every colour in a palette that may be used for text (``GROUP_COLOURS``, ``REGIME_COLOURS``,
  ``RATING_COLOURS``, ``VARIATION_TEXT_COLOURS``, ``INTERVENTION_STATUS_COLOURS`` except the
  ``none`` fill, ``COST_CATEGORY_COLOURS``) has a contrast ratio of at least 4.5:1 on white, so
  it also works as a background for white text (chips, pills);
* colours used only for marks (``COLORWAY``, ``VARIATION_COLOURS``, ``ASSURANCE_COLOURS``) reach
  at least 3:1 on white (WCAG 2.1 SC 1.4.11, non-text contrast);
* categorical sets are Okabe–Ito hues (vermillion, bluish green, reddish purple, sky blue)
  darkened until they pass 4.5:1, mixed with NHS Blue, Purple and the NHS text black. Under
  simulated protanopia and deuteranopia (Machado et al. 2009, severity 1) every pair in
  ``GROUP_COLOURS``, ``RATING_COLOURS``, ``COST_CATEGORY_COLOURS`` and ``COLORWAY`` stays at
  least 15 CIELAB ΔE*ab apart (``tests/test_theme.py`` checks it);
* colour is never the only cue: groups also get ``GROUP_SYMBOLS`` and ``GROUP_DASHES``, cost
  categories ``COST_CATEGORY_PATTERNS``, regimes ``REGIME_PATTERNS``, ratings ``RATING_SYMBOLS``,
  and every chart has a legend or labels in words.

CQC ratings: CQC's own palette (green, green, amber, red) is not colour-blind safe, so ratings
use an ordered blue-to-red scale instead: Outstanding NHS Dark Blue, Good NHS Bright Blue,
Requires improvement amber, Inadequate dark red. Blue against amber/red survives every common
colour vision deficiency, and lightness falls with the rating on each side.

SPC (Making Data Count): markers keep MDC's hues — common cause grey, improvement blue, concern
orange, "neither" purple (the NHSRplotthedots tones ``#7B7D7D``, ``#289DE0``, ``#E46C0A``,
``#490092``); ``VARIATION_TEXT_COLOURS`` are darker versions of the same hues for words.

Exporting charts
----------------
``graph_config(filename)`` names a chart's downloads (``smq-monitor-<filename>[-<title>]``).
Plotly's own camera button saves one format per graph and the chart exactly as drawn, without the
card title around it; ``assets/zz-js/chart-export.js`` replaces it on every chart with two
toolbar buttons, "Download as PNG" (2x) and "Download as SVG", which re-draw the figure off-screen
with the card's title and the footer's source line (dataset, as-of date, "synthetic") as title
and subtitle, and make the toolbar reachable by keyboard. ``image_format`` still sets what a
bare plotly.js (without that script) would save.
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from typing import Any, Final

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE_NAME: Final = "smq"

# --- NHS identity colours --------------------------------------------------------------------
NHS_BLUE: Final = "#005EB8"
NHS_DARK_BLUE: Final = "#003087"
NHS_BRIGHT_BLUE: Final = "#0072CE"
NHS_LIGHT_BLUE: Final = "#41B6E6"  # 2.3:1 on white: fills and accents only, never text
NHS_AQUA_BLUE: Final = "#00A9CE"  # 2.8:1 on white: fills and accents only, never text
NHS_DARK_GREY: Final = "#425563"
NHS_MID_GREY: Final = "#768692"  # 3.8:1 on white: lines and borders, not body text
NHS_PALE_GREY: Final = "#E8EDEE"
NHS_WARM_YELLOW: Final = "#FFB81C"  # focus highlight, always with dark text
NHS_EMERGENCY_RED: Final = "#DA291C"
NHS_DARK_GREEN: Final = "#006747"
NHS_PURPLE: Final = "#330072"
NHS_DARK_PINK: Final = "#7C2855"
NHS_BLACK: Final = "#212B32"  # the NHS text colour
WHITE: Final = "#FFFFFF"

TEXT_COLOUR: Final = NHS_BLACK
MUTED_TEXT_COLOUR: Final = NHS_DARK_GREY
GRID_COLOUR: Final = NHS_PALE_GREY
AXIS_LINE_COLOUR: Final = NHS_MID_GREY

# --- Okabe–Ito hues darkened to pass 4.5:1 on white -------------------------------------------
VERMILLION: Final = "#AC4C00"  # Okabe–Ito vermillion #D55E00, darker
BLUISH_GREEN: Final = "#008460"  # Okabe–Ito bluish green #009E73, darker
REDDISH_PURPLE: Final = "#8E2A6B"  # Okabe–Ito reddish purple #CC79A7, darker
DARK_SKY_BLUE: Final = "#125D88"  # Okabe–Ito sky blue #56B4E9, darker
OCHRE: Final = "#8A6000"  # Okabe–Ito orange #E69F00, darker
AMBER: Final = "#B35900"
DARK_RED: Final = "#7A1A12"
# NHS Oversight Framework segments, 1 (least support needed) to 5 (intensive support): one hue,
# light to dark, so order reads without colour names; each bar also carries its number as text.
SEGMENT_COLOURS: Final = {1: "#DCEAF7", 2: "#9DC3E6", 3: "#4F8FCB", 4: "#1F5F99", 5: "#0B2E52"}
SEGMENT_TEXT: Final = {1: NHS_BLACK, 2: NHS_BLACK, 3: WHITE, 4: WHITE, 5: WHITE}

FONT_FAMILY: Final = 'Arial, "Helvetica Neue", Helvetica, sans-serif'
BASE_FONT_SIZE: Final = 13
TITLE_FONT_SIZE: Final = 16

# Default order for traces that have no palette of their own. All reach 3:1 on white.
COLORWAY: Final[tuple[str, ...]] = (
    NHS_BLUE,
    VERMILLION,
    BLUISH_GREEN,
    REDDISH_PURPLE,
    NHS_BLACK,
    NHS_MID_GREY,
    NHS_PURPLE,
    DARK_RED,
)

# --- Evaluation groups -----------------------------------------------------------------------
GROUP_ORDER: Final[tuple[str, ...]] = (
    "prolonged_poor_performer",
    "cp_to_smq",
    "cp_only",
    "clear_improver",
    "other_smq",
    "never",
)
GROUP_COLOURS: Final[dict[str, str]] = {
    "prolonged_poor_performer": VERMILLION,
    "cp_to_smq": REDDISH_PURPLE,
    "cp_only": NHS_PURPLE,
    "clear_improver": BLUISH_GREEN,
    "other_smq": NHS_BLUE,
    "never": NHS_BLACK,
}
# Filled shapes only: the "-open"/"-thin" variants vanish without a marker line width.
GROUP_SYMBOLS: Final[dict[str, str]] = {
    "prolonged_poor_performer": "triangle-down",
    "cp_to_smq": "diamond",
    "cp_only": "square",
    "clear_improver": "triangle-up",
    "other_smq": "circle",
    "never": "x",
}
GROUP_DASHES: Final[dict[str, str]] = {
    "prolonged_poor_performer": "dash",
    "cp_to_smq": "dashdot",
    "cp_only": "longdashdot",
    "clear_improver": "longdash",
    "other_smq": "solid",
    "never": "dot",
}

# --- Regimes ---------------------------------------------------------------------------------
REGIME_COLOURS: Final[dict[str, str]] = {"smq": NHS_BLUE, "rsp": REDDISH_PURPLE, "cp": OCHRE}
# Translucent versions for shading regime periods behind lines (layout shapes / vrects).
REGIME_FILL_COLOURS: Final[dict[str, str]] = {
    "smq": "rgba(0, 94, 184, 0.12)",
    "rsp": "rgba(142, 42, 107, 0.12)",
    "cp": "rgba(138, 96, 0, 0.14)",
}
# Bar fills of the Gantt and the trust timeline (stronger than the shading above).
REGIME_BAR_FILLS: Final[dict[str, str]] = {
    "smq": "rgba(0, 94, 184, 0.30)",
    "rsp": "rgba(142, 42, 107, 0.28)",
    "cp": "rgba(138, 96, 0, 0.16)",
}
# Bar pattern shapes (marker.pattern.shape) so the regimes' bars differ without colour.
REGIME_PATTERNS: Final[dict[str, str]] = {"smq": "", "rsp": ".", "cp": "/"}
# Line dashes of the month-by-month counts, for the same reason.
REGIME_DASHES: Final[dict[str, str]] = {"smq": "solid", "rsp": "dashdot", "cp": "dash"}

# --- CQC ratings (ordered, colour-blind safe; not CQC's own green/amber/red) -------------------
RATING_ORDER: Final[tuple[str, ...]] = ("outstanding", "good", "requires_improvement", "inadequate")
RATING_COLOURS: Final[dict[str, str]] = {
    "outstanding": NHS_DARK_BLUE,
    "good": NHS_BRIGHT_BLUE,
    "requires_improvement": AMBER,
    "inadequate": DARK_RED,
}
RATING_SYMBOLS: Final[dict[str, str]] = {
    "outstanding": "star",
    "good": "circle",
    "requires_improvement": "triangle-down",
    "inadequate": "x",
}

# --- Making Data Count SPC -------------------------------------------------------------------
VARIATION_COLOURS: Final[dict[str, str]] = {
    "common_cause": "#7B7D7D",
    "improvement": "#289DE0",
    "concern": "#E46C0A",
    "neither": "#490092",
}
VARIATION_TEXT_COLOURS: Final[dict[str, str]] = {
    "common_cause": "#626363",
    "improvement": "#166896",
    "concern": "#9D4A07",
    "neither": "#490092",
}
ASSURANCE_COLOURS: Final[dict[str, str]] = {
    "pass": VARIATION_COLOURS["improvement"],
    "fail": VARIATION_COLOURS["concern"],
    "hit_and_miss": VARIATION_COLOURS["common_cause"],
}
# Lines of an XmR chart: mean solid, process limits dashed, target dotted.
SPC_LINE_COLOURS: Final[dict[str, str]] = {
    "value": NHS_DARK_GREY,
    "mean": NHS_BLACK,
    "process_limit": NHS_MID_GREY,
    "target": NHS_EMERGENCY_RED,
}
SPC_LINE_DASHES: Final[dict[str, str]] = {
    "value": "solid",
    "mean": "solid",
    "process_limit": "dash",
    "target": "dot",
}

# --- Interventions and costs -----------------------------------------------------------------
# "none" is a fill for "nothing recorded" (pale grey, dark text on it), never text.
INTERVENTION_STATUS_COLOURS: Final[dict[str, str]] = {
    "delivered": NHS_BLUE,
    "not_delivered": VERMILLION,
    "no_data": NHS_DARK_GREY,
    "none": NHS_PALE_GREY,
}
FILL_ONLY_COLOURS: Final[frozenset[str]] = frozenset({NHS_PALE_GREY})

COST_CATEGORY_COLOURS: Final[dict[str, str]] = {
    "improvement_director": NHS_BLUE,
    "buddying": BLUISH_GREEN,
    "central_funding": NHS_PURPLE,
    "consultancy": VERMILLION,
    "reporting_burden": DARK_RED,
    "leadership_recruitment": DARK_SKY_BLUE,
    "other": NHS_BLACK,
}
COST_CATEGORY_PATTERNS: Final[dict[str, str]] = {
    "improvement_director": "",
    "buddying": "/",
    "central_funding": "",
    "consultancy": "\\",
    "reporting_burden": "x",
    "leadership_recruitment": ".",
    "other": "-",
}

# Interventions on a time axis: the cost-category colour of the same name where there is one
# (leadership change takes leadership recruitment's), so one intervention looks alike on every
# page; the same set of colours as COST_CATEGORY_COLOURS, so it stays as distinguishable. Each
# type has its own marker shape too.
INTERVENTION_COLOURS: Final[dict[str, str]] = {
    "improvement_director": NHS_BLUE,
    "buddying": BLUISH_GREEN,
    "central_funding": NHS_PURPLE,
    "leadership_change": DARK_SKY_BLUE,
    "deep_dive": VERMILLION,
    "oversight_group": DARK_RED,
    "other": NHS_BLACK,
}
INTERVENTION_SYMBOLS: Final[dict[str, str]] = {
    "improvement_director": "diamond",
    "buddying": "square",
    "central_funding": "triangle-up",
    "leadership_change": "star",
    "deep_dive": "circle",
    "oversight_group": "hexagon",
    "other": "cross",
}

# --- Effect estimates (event study) and CUSUM ------------------------------------------------
# Mark colours (3:1 on white at least); the translucent fills are NHS Blue and NHS Mid Grey.
EFFECT_COLOURS: Final[dict[str, str]] = {
    "points": NHS_BLUE,
    "band": "rgba(0, 94, 184, 0.15)",
    "pre": NHS_BLACK,
    "post": VERMILLION,
    "event": NHS_DARK_GREY,
}
CUSUM_COLOURS: Final[dict[str, str]] = {
    "up": NHS_DARK_BLUE,
    "down": REDDISH_PURPLE,
    "decision": NHS_DARK_GREY,
    "baseline": "rgba(118, 134, 146, 0.16)",
}

# --- Number and date formats (d3-format / d3-time-format) ------------------------------------
GBP_PREFIX: Final = "£"
FORMATS: Final[dict[str, str]] = {
    "number": ",.4~r",  # 1,234 · 0.01234 · 98.76
    "integer": ",d",  # 12,345
    "decimal1": ",.1f",  # 12,345.6
    "percent": ".1f",  # values already in percent: add the ticksuffix "%"
    "gbp": ",.0f",  # with GBP_PREFIX: £12,345
    "date": "%-d %b %Y",  # 5 Mar 2024 (d3: "-" drops the leading zero)
    "month": "%b %Y",  # Mar 2024
}
# Ready-made hovertemplate fragments, e.g. f"%{{x}}<br>{HOVER['gbp_y']}<extra></extra>".
HOVER: Final[dict[str, str]] = {
    "gbp_y": "£%{y:,.0f}",
    "gbp_x": "£%{x:,.0f}",
    "number_y": "%{y:,.4~r}",
    "percent_y": "%{y:.1f}%",
    "date_x": "%{x|%-d %b %Y}",
}


def gbp_axis(**overrides: Any) -> dict[str, Any]:
    """Axis properties for money: £ prefix, thousands separators, whole pounds."""
    return {
        "tickprefix": GBP_PREFIX,
        "tickformat": FORMATS["gbp"],
        "hoverformat": FORMATS["gbp"],
        **overrides,
    }


def percent_axis(**overrides: Any) -> dict[str, Any]:
    """Axis properties for values held as percentages (0–100)."""
    return {"ticksuffix": "%", "hoverformat": FORMATS["percent"], **overrides}


def count_axis(largest: float | int | None = None, **overrides: Any) -> dict[str, Any]:
    """Axis properties for counts of trusts (or of anything whole): ticks only at whole numbers,
    from zero. With a small largest count Plotly would put ticks at 0.2 or 0.5 ("0.2 trusts",
    or "1, 1, 1" once rounded), so the step is then fixed at 1."""
    axis: dict[str, Any] = {"tickformat": ",d", "hoverformat": ",d", "rangemode": "tozero"}
    if largest is not None and largest <= 10:
        axis |= {"tick0": 0, "dtick": 1}
    return {**axis, **overrides}


def date_axis(**overrides: Any) -> dict[str, Any]:
    """Axis properties for dates, written the British way (day month year)."""
    return {"type": "date", "hoverformat": FORMATS["date"], **overrides}


# --- The template ----------------------------------------------------------------------------
def _axis() -> dict[str, Any]:
    return {
        "automargin": True,
        # Plotly's default ("hide past div") measures every tick label in the browser to hide the
        # ones reaching past the chart: with a hundred trust names that was most of a chart's
        # drawing time, and automargin (or a margin set to fit) already keeps them inside.
        "ticklabeloverflow": "allow",
        "gridcolor": GRID_COLOUR,
        "linecolor": AXIS_LINE_COLOUR,
        "zerolinecolor": "#AEB7BD",
        "zerolinewidth": 1,
        "ticks": "outside",
        "tickcolor": AXIS_LINE_COLOUR,
        "ticklen": 4,
        "tickfont": {"color": MUTED_TEXT_COLOUR},
        "title": {"standoff": 12, "font": {"color": MUTED_TEXT_COLOUR}},
        "separatethousands": True,
        "exponentformat": "none",
    }


def _build_template() -> go.layout.Template:
    template = go.layout.Template(pio.templates["plotly_white"])
    xaxis = {**_axis(), "showgrid": False, "showline": True}
    yaxis = {**_axis(), "showgrid": True, "showline": False, "hoverformat": FORMATS["number"]}
    template.layout.update(
        font={"family": FONT_FAMILY, "size": BASE_FONT_SIZE, "color": TEXT_COLOUR},
        title={
            "font": {"family": FONT_FAMILY, "size": TITLE_FONT_SIZE, "color": TEXT_COLOUR, "weight": "bold"},
            # From the chart's own left edge (not the plot area's, which long axis labels push
            # right), so the title never runs under the toolbar at the top right.
            "x": 0,
            "xref": "container",
            "xanchor": "left",
            "pad": {"l": 8},
            "automargin": True,
        },
        colorway=list(COLORWAY),
        paper_bgcolor=WHITE,
        plot_bgcolor=WHITE,
        separators=".,",
        hovermode="closest",
        hoverlabel={
            "bgcolor": WHITE,
            "bordercolor": NHS_DARK_GREY,
            "font": {"family": FONT_FAMILY, "size": BASE_FONT_SIZE, "color": TEXT_COLOUR},
            "align": "left",
            "namelength": -1,
        },
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": -0.15,
            "yanchor": "top",
            "font": {"color": TEXT_COLOUR},
            "title": {"font": {"color": MUTED_TEXT_COLOUR}},
            "itemsizing": "constant",
        },
        margin={"l": 8, "r": 16, "t": 48, "b": 8, "autoexpand": True},
        xaxis=xaxis,
        yaxis=yaxis,
        colorscale={
            "sequential": [[0.0, "#F0F4F5"], [0.35, "#9EC5E8"], [0.7, NHS_BLUE], [1.0, NHS_DARK_BLUE]],
            "sequentialminus": [[0.0, NHS_DARK_BLUE], [0.3, NHS_BLUE], [0.65, "#9EC5E8"], [1.0, "#F0F4F5"]],
            "diverging": [
                [0.0, VERMILLION],
                [0.25, "#E8B38C"],
                [0.5, "#F0F4F5"],
                [0.75, "#9EC5E8"],
                [1.0, NHS_BLUE],
            ],
        },
        coloraxis={"colorbar": {"outlinewidth": 0, "ticks": "outside", "tickcolor": AXIS_LINE_COLOUR}},
        annotationdefaults={"font": {"color": TEXT_COLOUR}, "arrowcolor": NHS_DARK_GREY},
        shapedefaults={"line": {"color": NHS_DARK_GREY}},
        bargap=0.2,
        # The modebar's default grey is 30% opaque; these meet 3:1 against white.
        modebar={"color": NHS_DARK_GREY, "activecolor": NHS_BLUE, "bgcolor": "rgba(255, 255, 255, 0.85)"},
    )
    template.data.scatter = [go.Scatter(line={"width": 2.5}, marker={"size": 7})]
    template.data.bar = [go.Bar(marker={"line": {"color": WHITE, "width": 0.5}})]
    template.data.pie = [go.Pie(marker={"line": {"color": WHITE, "width": 1}})]
    return template


def register_template() -> None:
    """Register ``pio.templates["smq"]`` (again, if something replaced it)."""
    pio.templates[TEMPLATE_NAME] = _build_template()


def apply_theme() -> None:
    """Make "smq" the default template for every figure. Safe to call any number of times."""
    if TEMPLATE_NAME not in pio.templates:
        register_template()
    pio.templates.default = TEMPLATE_NAME


def base_figure(title: str | None = None, **layout: Any) -> go.Figure:
    """An empty figure on the "smq" template, with an optional title and any layout properties."""
    if TEMPLATE_NAME not in pio.templates or pio.templates.default != TEMPLATE_NAME:
        apply_theme()
    # Plotly takes the default template as it is: naming it instead validates and copies the
    # whole template again, about 10 ms a figure, once most of an uncached chart's time.
    fig = go.Figure()
    if title:
        fig.update_layout(title={"text": title})
    if layout:
        fig.update_layout(**layout)
    return fig


_template_json: tuple[go.layout.Template, dict[str, Any]] | None = None


def base_layout(title: str | None = None, **layout: Any) -> dict[str, Any]:
    """`base_figure`'s layout as a plain dict, for a figure written as a dict: the "smq" template
    (one dict shared by such figures, which nothing edits), the title and the properties given."""
    global _template_json
    if TEMPLATE_NAME not in pio.templates:
        register_template()
    template = pio.templates[TEMPLATE_NAME]
    if _template_json is None or _template_json[0] is not template:
        _template_json = (template, template.to_plotly_json())
    out: dict[str, Any] = {"template": _template_json[1], **layout}
    if title:
        out["title"] = {"text": title}
    return out


def empty_figure(message: str) -> go.Figure:
    """A blank figure saying ``message`` in the middle: no axes, no grid, no modebar clutter.

    It carries no template (about 7 KB of JSON that a figure with nothing to draw does not use):
    the few styles it shows are set on it directly."""
    fig = go.Figure(
        layout={
            "template": {},
            "height": 260,
            "margin": {"l": 16, "r": 16, "t": 16, "b": 16},
            "font": {"family": FONT_FAMILY, "size": BASE_FONT_SIZE, "color": TEXT_COLOUR},
            "paper_bgcolor": WHITE,
            "plot_bgcolor": WHITE,
            "modebar": {
                "color": NHS_DARK_GREY,
                "activecolor": NHS_BLUE,
                "bgcolor": "rgba(255, 255, 255, 0.85)",
            },
        }
    )
    fig.update_xaxes(visible=False, showgrid=False, zeroline=False)
    fig.update_yaxes(visible=False, showgrid=False, zeroline=False)
    fig.add_annotation(
        text=message,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        xanchor="center",
        yanchor="middle",
        showarrow=False,
        font={"size": 15, "color": MUTED_TEXT_COLOUR},
    )
    fig.update_layout(hovermode=False, meta={"empty": True})
    return fig


# --- dcc.Graph config ------------------------------------------------------------------------
GRAPH_CONFIG: Final[dict[str, Any]] = {
    "displaylogo": False,
    "displayModeBar": True,
    "responsive": True,
    # plotly.js ships "en" (dd/mm/yyyy, "colour") and falls back to it from "en-GB".
    "locale": "en-GB",
    "modeBarButtonsToRemove": [
        "select2d",
        "lasso2d",
        "autoScale2d",
        "zoomIn2d",
        "zoomOut2d",
        "toggleSpikelines",
        "hoverClosestCartesian",
        "hoverCompareCartesian",
        "sendChartToCloud",
    ],
    "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "smq-monitor-chart"},
}

IMAGE_FORMATS: Final[frozenset[str]] = frozenset({"png", "svg"})


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def download_filename(filename: str, title: str | None = None) -> str:
    """``smq-monitor-<filename>[-<title>]`` as a lower-case slug, at most 100 characters."""
    parts = [p for p in (_slug(filename), _slug(title or "")) if p]
    if parts and parts[0].startswith("smq-monitor"):
        parts[0] = parts[0][len("smq-monitor") :].strip("-")
        parts = [p for p in parts if p]
    name = "-".join(["smq-monitor", *parts]) if parts else "smq-monitor-chart"
    return name[:100].rstrip("-")


def graph_config(filename: str, title: str | None = None, *, image_format: str = "png") -> dict[str, Any]:
    """A ``dcc.Graph`` config whose download button saves ``smq-monitor-<filename>-<title>.png``.

    ``image_format="svg"`` makes the modebar button save an SVG instead (vector, for slides);
    Plotly offers one image format per button, see the module docstring for both at once.
    """
    if image_format not in IMAGE_FORMATS:
        raise ValueError(f"image_format must be one of {sorted(IMAGE_FORMATS)}, not {image_format!r}")
    config = copy.deepcopy(GRAPH_CONFIG)
    options = config["toImageButtonOptions"]
    options["filename"] = download_filename(filename, title)
    options["format"] = image_format
    if image_format == "svg":
        options.pop("scale", None)
    return config


def svg_download_clientside(graph_id: str, filename: str, title: str | None = None) -> str:
    """JavaScript for ``dash.clientside_callback`` that saves the graph ``graph_id`` as SVG.

    Wire it to a button, with no output::

        clientside_callback(svg_download_clientside("costs-graph", "costs"),
                            Input("costs-svg-button", "n_clicks"), prevent_initial_call=True)
    """
    target = json.dumps(graph_id)
    name = json.dumps(download_filename(filename, title))
    return (
        "function (n_clicks) {\n"
        f"    var root = document.getElementById({target});\n"
        "    var gd = root && (root.classList.contains('js-plotly-plot') ? root : root.querySelector('.js-plotly-plot'));\n"
        "    if (n_clicks && gd && window.Plotly) {\n"
        f"        window.Plotly.downloadImage(gd, {{format: 'svg', filename: {name}}});\n"
        "    }\n"
        "}"
    )


register_template()
