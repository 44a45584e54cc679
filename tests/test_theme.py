"""The Plotly template and its palettes: registration, contrast, colour-blind separation, configs."""

from __future__ import annotations

import copy
import itertools
import re

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard import theme
from data_access.vocab import COST_CATEGORIES, GROUPS, INTERVENTION_STATUSES, RATINGS, REGIMES

# --- WCAG 2.1 contrast -----------------------------------------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    match = re.fullmatch(r"#([0-9a-fA-F]{6})", colour)
    assert match, f"not a #RRGGBB colour: {colour}"
    value = match.group(1)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    r, g, b = (_linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_function_matches_known_values():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)  # the classic AA grey
    assert contrast("#005EB8", "#FFFFFF") == pytest.approx(6.38, abs=0.01)


# --- Colour vision deficiency simulation -----------------------------------------------------
# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB; distance is CIE76
# ΔE*ab in CIELAB (D65). A just-noticeable difference is about 2.3; 15 is a plainly different
# colour for a legend swatch or a line. Lines are thin, so groups also differ by symbol and dash.
NORMAL = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
PROTANOPIA = (
    (0.152286, 1.052583, -0.204868),
    (0.114503, 0.786281, 0.099216),
    (-0.003882, -0.048116, 1.051998),
)
DEUTERANOPIA = (
    (0.367322, 0.860646, -0.227968),
    (0.280085, 0.672501, 0.047413),
    (-0.011820, 0.042940, 0.968881),
)
VISION = {"typical": NORMAL, "protanopia": PROTANOPIA, "deuteranopia": DEUTERANOPIA}
MIN_DELTA_E = 15.0


def _lab(colour: str, matrix) -> tuple[float, float, float]:
    rgb = [_linear(c) for c in _rgb(colour)]
    r, g, b = (min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e(a: str, b: str, matrix=NORMAL) -> float:
    la, lb = _lab(a, matrix), _lab(b, matrix)
    return sum((p - q) ** 2 for p, q in zip(la, lb, strict=True)) ** 0.5


def test_simulation_collapses_red_and_green():
    """The matrices do something: a red/green pair far apart normally is close for deuteranopes."""
    red, green = "#D62728", "#2CA02C"
    typical = delta_e(red, green)
    assert typical > 60
    assert delta_e(red, green, DEUTERANOPIA) < typical / 3
    assert delta_e(red, green, PROTANOPIA) < typical / 2
    assert delta_e("#005EB8", "#005EB8", DEUTERANOPIA) == pytest.approx(0.0)


# --- Template ---------------------------------------------------------------------------------


@pytest.fixture
def default_template():
    before = pio.templates.default
    yield
    pio.templates.default = before


def test_template_registers_and_applies(default_template):
    assert theme.TEMPLATE_NAME in pio.templates
    theme.apply_theme()
    theme.apply_theme()
    assert pio.templates.default == "smq"
    layout = go.Figure().layout.template.layout
    assert layout.font.family == theme.FONT_FAMILY
    assert layout.font.size == 13
    assert list(layout.colorway) == list(theme.COLORWAY)
    assert layout.separators == ".,"
    assert layout.hoverlabel.font.family == theme.FONT_FAMILY
    assert layout.yaxis.gridcolor == theme.GRID_COLOUR
    assert layout.title.font.size == theme.TITLE_FONT_SIZE


def test_apply_theme_restores_a_replaced_template(default_template):
    del pio.templates["smq"]
    theme.apply_theme()
    assert "smq" in pio.templates
    assert pio.templates.default == "smq"


def test_base_figure_has_title_layout_and_template():
    fig = theme.base_figure("Days in SMQ", height=320, yaxis_title="Days")
    assert fig.layout.title.text == "Days in SMQ"
    assert fig.layout.height == 320
    assert fig.layout.yaxis.title.text == "Days"
    assert fig.layout.template.layout.font.family == theme.FONT_FAMILY
    assert theme.base_figure().layout.title.text is None


def test_empty_figure_shows_the_message_and_no_axes():
    fig = theme.empty_figure("No trusts match these filters")
    assert [a.text for a in fig.layout.annotations] == ["No trusts match these filters"]
    note = fig.layout.annotations[0]
    assert (note.x, note.y, note.xref, note.yref) == (0.5, 0.5, "paper", "paper")
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert len(fig.data) == 0


def test_axis_helpers_use_uk_formats():
    assert theme.gbp_axis()["tickprefix"] == "£"
    assert theme.gbp_axis(title="Cost")["title"] == "Cost"
    assert theme.percent_axis()["ticksuffix"] == "%"
    assert theme.date_axis()["hoverformat"] == "%-d %b %Y"
    assert theme.HOVER["gbp_y"].startswith("£")


# --- Palettes: coverage and non-colour cues -----------------------------------------------------


def test_palettes_cover_every_code():
    assert tuple(theme.GROUP_ORDER) == GROUPS
    for palette in (theme.GROUP_COLOURS, theme.GROUP_SYMBOLS, theme.GROUP_DASHES):
        assert set(palette) == set(GROUPS)
    assert tuple(theme.RATING_ORDER) == RATINGS
    assert set(theme.RATING_COLOURS) == set(RATINGS) == set(theme.RATING_SYMBOLS)
    assert set(theme.COST_CATEGORY_COLOURS) == set(COST_CATEGORIES) == set(theme.COST_CATEGORY_PATTERNS)
    assert set(theme.INTERVENTION_STATUS_COLOURS) == set(INTERVENTION_STATUSES) | {"none"}
    assert set(theme.VARIATION_COLOURS) == {"common_cause", "improvement", "concern", "neither"}
    assert set(theme.VARIATION_TEXT_COLOURS) == set(theme.VARIATION_COLOURS)
    palettes = (
        theme.REGIME_COLOURS,
        theme.REGIME_FILL_COLOURS,
        theme.REGIME_BAR_FILLS,
        theme.REGIME_PATTERNS,
    )
    assert all(set(p) == set(REGIMES) for p in (*palettes, theme.REGIME_DASHES))
    assert len(set(theme.REGIME_PATTERNS.values())) == len(REGIMES)  # told apart without colour
    assert len(set(theme.REGIME_DASHES.values())) == len(REGIMES)


def test_groups_differ_by_symbol_and_dash_as_well_as_colour():
    for palette in (theme.GROUP_COLOURS, theme.GROUP_SYMBOLS, theme.GROUP_DASHES):
        assert len(set(palette.values())) == len(palette)
    assert not any(s.endswith(("-open", "-thin")) for s in theme.GROUP_SYMBOLS.values())
    assert len(set(theme.RATING_SYMBOLS.values())) == len(theme.RATING_SYMBOLS)


def test_regime_fills_are_translucent_versions_of_the_regime_colours():
    for regime, colour in theme.REGIME_COLOURS.items():
        match = re.fullmatch(r"rgba\((\d+), (\d+), (\d+), ([0-9.]+)\)", theme.REGIME_FILL_COLOURS[regime])
        assert match, theme.REGIME_FILL_COLOURS[regime]
        assert tuple(int(v) for v in match.groups()[:3]) == _rgb(colour)
        assert 0 < float(match.group(4)) <= 0.2


# --- Palettes: contrast -----------------------------------------------------------------------

TEXT_PALETTES = {
    "GROUP_COLOURS": theme.GROUP_COLOURS,
    "REGIME_COLOURS": theme.REGIME_COLOURS,
    "RATING_COLOURS": theme.RATING_COLOURS,
    "VARIATION_TEXT_COLOURS": theme.VARIATION_TEXT_COLOURS,
    "INTERVENTION_STATUS_COLOURS": {
        k: v for k, v in theme.INTERVENTION_STATUS_COLOURS.items() if v not in theme.FILL_ONLY_COLOURS
    },
    "COST_CATEGORY_COLOURS": theme.COST_CATEGORY_COLOURS,
    "text constants": {
        "TEXT_COLOUR": theme.TEXT_COLOUR,
        "MUTED_TEXT_COLOUR": theme.MUTED_TEXT_COLOUR,
        "NHS_BLUE": theme.NHS_BLUE,
        "NHS_DARK_BLUE": theme.NHS_DARK_BLUE,
        "NHS_BRIGHT_BLUE": theme.NHS_BRIGHT_BLUE,
        "NHS_DARK_GREY": theme.NHS_DARK_GREY,
        "NHS_EMERGENCY_RED": theme.NHS_EMERGENCY_RED,
        "NHS_DARK_GREEN": theme.NHS_DARK_GREEN,
        "NHS_PURPLE": theme.NHS_PURPLE,
        "NHS_DARK_PINK": theme.NHS_DARK_PINK,
    },
}
TEXT_CASES = [
    (f"{name}[{key}]", colour) for name, palette in TEXT_PALETTES.items() for key, colour in palette.items()
]


@pytest.mark.parametrize(("where", "colour"), TEXT_CASES, ids=[c[0] for c in TEXT_CASES])
def test_text_colours_pass_aa_on_white_and_carry_white_text(where, colour):
    """4.5:1 both ways: the colour as text on white, and white text on the colour (chips, pills)."""
    assert contrast(colour, theme.WHITE) >= 4.5, f"{where} {colour}: {contrast(colour, theme.WHITE):.2f}:1"


def test_fill_only_colours_carry_dark_text():
    for colour in theme.FILL_ONLY_COLOURS:
        assert contrast(theme.TEXT_COLOUR, colour) >= 4.5
        assert contrast(theme.MUTED_TEXT_COLOUR, colour) >= 4.5


MARK_CASES = [
    *((f"COLORWAY[{i}]", c) for i, c in enumerate(theme.COLORWAY)),
    *((f"VARIATION_COLOURS[{k}]", c) for k, c in theme.VARIATION_COLOURS.items()),
    *((f"ASSURANCE_COLOURS[{k}]", c) for k, c in theme.ASSURANCE_COLOURS.items()),
    *((f"SPC_LINE_COLOURS[{k}]", c) for k, c in theme.SPC_LINE_COLOURS.items()),
]


@pytest.mark.parametrize(("where", "colour"), MARK_CASES, ids=[c[0] for c in MARK_CASES])
def test_mark_colours_pass_non_text_contrast_on_white(where, colour):
    assert contrast(colour, theme.WHITE) >= 3.0, f"{where} {colour}: {contrast(colour, theme.WHITE):.2f}:1"


def test_light_identity_colours_are_documented_as_not_for_text():
    for colour in (theme.NHS_LIGHT_BLUE, theme.NHS_AQUA_BLUE, theme.NHS_WARM_YELLOW):
        assert contrast(colour, theme.WHITE) < 3.0
        assert all(colour not in palette.values() for palette in TEXT_PALETTES.values())
    assert contrast(theme.TEXT_COLOUR, theme.NHS_WARM_YELLOW) >= 4.5  # focus: dark text on yellow


# --- Palettes: distinguishable with colour vision deficiency ----------------------------------

CATEGORICAL = {
    "GROUP_COLOURS": list(theme.GROUP_COLOURS.values()),
    "RATING_COLOURS": list(theme.RATING_COLOURS.values()),
    "COST_CATEGORY_COLOURS": list(theme.COST_CATEGORY_COLOURS.values()),
    "REGIME_COLOURS": list(theme.REGIME_COLOURS.values()),
    "COLORWAY": list(theme.COLORWAY),
    "INTERVENTION_STATUS_COLOURS": list(theme.INTERVENTION_STATUS_COLOURS.values()),
}


@pytest.mark.parametrize("vision", list(VISION))
@pytest.mark.parametrize("palette", list(CATEGORICAL))
def test_categorical_palettes_stay_distinguishable(palette, vision):
    colours = CATEGORICAL[palette]
    closest = min(
        ((delta_e(a, b, VISION[vision]), a, b) for a, b in itertools.combinations(colours, 2)),
        key=lambda t: t[0],
    )
    assert closest[0] >= MIN_DELTA_E, (
        f"{palette} under {vision}: {closest[1]} vs {closest[2]} ΔE {closest[0]:.1f}"
    )


# --- dcc.Graph config --------------------------------------------------------------------------


def test_graph_config_defaults():
    config = theme.GRAPH_CONFIG
    assert config["displaylogo"] is False
    assert config["displayModeBar"] is True
    assert config["toImageButtonOptions"]["format"] == "png"
    assert config["toImageButtonOptions"]["scale"] == 2
    assert "toImage" not in config["modeBarButtonsToRemove"]


def test_graph_config_sets_the_download_filename_without_touching_the_default():
    before = copy.deepcopy(theme.GRAPH_CONFIG)
    config = theme.graph_config("Costs by category", "Z001 – Northmoor & Vale NHS Trust")
    options = config["toImageButtonOptions"]
    assert options["filename"] == "smq-monitor-costs-by-category-z001-northmoor-vale-nhs-trust"
    assert options["format"] == "png" and options["scale"] == 2
    assert config["displaylogo"] is False
    assert before == theme.GRAPH_CONFIG
    assert (
        theme.graph_config("trajectories")["toImageButtonOptions"]["filename"] == "smq-monitor-trajectories"
    )
    assert (
        theme.graph_config("smq-monitor-overview")["toImageButtonOptions"]["filename"]
        == "smq-monitor-overview"
    )
    assert theme.graph_config("")["toImageButtonOptions"]["filename"] == "smq-monitor-chart"
    assert len(theme.graph_config("x" * 300)["toImageButtonOptions"]["filename"]) <= 100


def test_graph_config_can_export_svg():
    options = theme.graph_config("timelines", image_format="svg")["toImageButtonOptions"]
    assert options == {"format": "svg", "filename": "smq-monitor-timelines"}
    with pytest.raises(ValueError):
        theme.graph_config("timelines", image_format="pdf")


def test_svg_download_script_targets_the_graph():
    script = theme.svg_download_clientside("costs-graph", "costs", "By category")
    assert script.startswith("function")
    assert '"costs-graph"' in script
    assert '"smq-monitor-costs-by-category"' in script
    assert "format: 'svg'" in script
    assert "Plotly.downloadImage" in script
