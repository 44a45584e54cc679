"""GET /download/<view>.csv and .xlsx: the data behind a view, for the current viewer (contract §4)."""

from __future__ import annotations

import csv
import io
import itertools
import math
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
from flask import Blueprint, Response, abort, request, stream_with_context
from werkzeug.wsgi import wrap_file

from dashboard import deck, effects, exports, marking, report, tables
from dashboard.alignment import EVENT_COLUMNS
from data_access import queries
from data_access.errors import DatabaseUnavailable
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import impact, monitoring
from smq_monitor.web import report_jobs
from smq_monitor.web.auth import current_viewer

bp = Blueprint("downloads", __name__)
FORMULA_PREFIXES = exports.FORMULA_PREFIXES


def trusts_table(viewer: Viewer, filters: Filters) -> pd.DataFrame:
    return tables.trusts_view(queries.trusts(viewer, filters))


def episodes_table(viewer: Viewer, filters: Filters) -> pd.DataFrame:
    return tables.episodes_view(queries.episodes(viewer, filters), queries.trusts(viewer, filters))


def ratings_table(viewer: Viewer, filters: Filters) -> pd.DataFrame:
    return tables.ratings_view(queries.ratings(viewer, filters))


def trajectories_table(viewer: Viewer, filters: Filters) -> pd.DataFrame | Iterator[pd.DataFrame]:
    """The trajectories rows; without a metric, one metric at a time, so a download of every
    value (millions of rows at scale) is streamed in bounded memory."""
    trusts = queries.trusts(viewer, filters)
    definitions = queries.metrics()
    spc_trust = filters.trust if len(trusts) == 1 else None

    def view(metric_ids: tuple[str, ...]) -> pd.DataFrame:
        values = queries.metric_values(viewer, filters, metric_ids)
        return tables.trajectories_view(
            values,
            trusts,
            definitions,
            filters.align,
            spc_trust=spc_trust,
            spc_break=filters.extra("spc_break"),
        )

    if filters.metrics:
        return view(filters.metrics)
    types = tuple(sorted(set(trusts["trust_type"].dropna())))
    ids = tuple(queries.metrics(types)["metric_id"]) if types else ()
    return (view((metric_id,)) for metric_id in ids) if ids else view(())


def uptake_table(viewer: Viewer, filters: Filters) -> pd.DataFrame:
    return tables.uptake_view(queries.trusts(viewer, filters), queries.interventions(viewer, filters))


def costs_table(viewer: Viewer, filters: Filters) -> pd.DataFrame:
    return tables.costs_view(
        queries.trusts(viewer, filters),
        queries.episodes(viewer, filters),
        queries.costs(viewer, filters),
        queries.ratings(viewer, filters, domains=("overall",)),
        queries.as_of(),
    )


def icons_table(viewer: Viewer, filters: Filters) -> pd.DataFrame:
    return monitoring.icons_for(viewer, filters)


def effects_table(viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """One row per evaluation group of the treated trusts, then `all`, for each metric asked for
    (every metric that applies to the treated trusts' types when none is)."""
    filtered = queries.trusts(viewer, filters)
    column = EVENT_COLUMNS[effects.estimate_align(filters.align)]
    types = tuple(sorted(set(filtered.loc[filtered[column].notna(), "trust_type"].dropna())))
    metric_ids = filters.metrics or (tuple(queries.metrics(types)["metric_id"]) if types else ())
    frames = [
        effects.effects_table(impact.effect_panel(viewer, filters, metric_id or None), metric_id)
        for metric_id in metric_ids or ("",)
    ]
    return pd.concat(frames, ignore_index=True)


def cusum_table(viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """The CUSUM of one trust's metric: without `trust` (one code) and `metric`, a 400 saying so."""
    if filters.trust is None or filters.metric is None:
        missing = [
            name for name, given in (("trust", filters.trust), ("metric", filters.metric)) if not given
        ]
        reason = (
            f"The cusum view is one trust's metric: give {' and '.join(missing)} "
            "(one known trust code and metric id, e.g. ?trust=RAA&metric=ae_4hr).\n"
        )
        abort(Response(reason, status=400, mimetype="text/plain"))
    return monitoring.cusum_for(viewer, filters)[0].table


VIEWS: dict[str, Callable[[Viewer, Filters], pd.DataFrame | Iterator[pd.DataFrame]]] = {
    "trusts": trusts_table,
    "episodes": episodes_table,
    "ratings": ratings_table,
    "trajectories": trajectories_table,
    "uptake": uptake_table,
    "costs": costs_table,
    "icons": icons_table,
    "effects": effects_table,
    "cusum": cusum_table,
}


neutralise = exports.neutralise  # a text cell a spreadsheet would run as a formula gets a leading '


def format_value(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def csv_rows(frames: pd.DataFrame | Iterable[pd.DataFrame], chunk: int = 20_000) -> Iterator[str]:
    """CSV text in pieces: the header of the first frame, then every frame's rows (frames of one
    view have the same columns), `chunk` rows at a time."""
    parts = iter([frames] if isinstance(frames, pd.DataFrame) else frames)
    first = next(parts, None)
    if first is None:
        return
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([neutralise(str(c)) for c in first.columns])
    yield buffer.getvalue()
    for frame in itertools.chain([first], parts):
        columns = [frame[c].astype(object).tolist() for c in first.columns]
        for start in range(0, len(frame), chunk):
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            for row in zip(*(col[start : start + chunk] for col in columns), strict=True):
                writer.writerow(
                    [
                        format_value(v.item() if hasattr(v, "item") and not isinstance(v, str) else v)
                        for v in row
                    ]
                )
            yield buffer.getvalue()


def peeked(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """The same frames, the first one already computed."""
    first = next(frames, None)
    return iter(()) if first is None else itertools.chain([first], frames)


def to_csv(frame: pd.DataFrame) -> str:
    return "".join(csv_rows(frame))


@dataclass(frozen=True)
class _Prepared:
    """A view's rows for the viewer, with what its file says about itself."""

    frames: pd.DataFrame | Iterator[pd.DataFrame]
    provenance: marking.Provenance
    headers: dict[str, str]


def _prepare(view: str, extension: str) -> _Prepared | Response:
    """The rows of `view` for the current viewer and filters, whatever the file format (one data
    path for CSV and Excel), or the 503 answer when the database is not answering."""
    builder = VIEWS.get(view)
    if builder is None:
        abort(404, f"No such download. Available: {', '.join(VIEWS)}.")
    try:
        viewer = current_viewer()
        filters, notices = queries.parse_filters(request.query_string.decode("utf-8", "replace"), viewer)
        frames = builder(viewer, filters)
        if not isinstance(frames, pd.DataFrame):  # a stream: read its first part while an outage is a 503
            frames = peeked(frames)
        provenance = _provenance(view, viewer, filters, frames)
    except DatabaseUnavailable:
        return _unavailable()
    headers = {
        "Content-Disposition": f'attachment; filename="{provenance.file_name(extension)}"',
        "Cache-Control": "private, no-store",
        "X-Ignored-Parameters": str(len(notices)),
    }
    if provenance.marking:
        headers["X-Protective-Marking"] = provenance.marking
    return _Prepared(frames, provenance, headers)


def _unavailable() -> Response:
    return Response(
        "The database is not answering; try again in a moment.\n",
        status=503,
        mimetype="text/plain",
        headers={"Retry-After": "10"},
    )


@bp.get("/download/<view>.csv")
def download(view: str) -> Response:
    prepared = _prepare(view, "csv")
    if isinstance(prepared, Response):
        return prepared
    frames = prepared.frames
    if request.args.get("labels") == "1":
        frames = (
            exports.labelled(frames) if isinstance(frames, pd.DataFrame) else map(exports.labelled, frames)
        )
    body = csv_rows(frames)
    if request.args.get("provenance") == "1":
        body = itertools.chain([prepared.provenance.csv_comment() + "\n"], body)
    return Response(stream_with_context(body), mimetype="text/csv", headers=prepared.headers)


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/download/<view>.xlsx")
def download_workbook(view: str) -> Response:
    """The same rows as `/download/<view>.csv` as an Excel workbook: words for codes unless
    `?labels=0`, typed cells, and an About sheet with the provenance (`exports.write_workbook`)."""
    prepared = _prepare(view, "xlsx")
    if isinstance(prepared, Response):
        return prepared
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (the response closes it)
    try:
        exports.write_workbook(
            spool, prepared.frames, prepared.provenance, words=request.args.get("labels") != "0"
        )
    except DatabaseUnavailable:
        spool.close()
        return _unavailable()
    except exports.TooManyRows as too_many:
        spool.close()
        query = request.query_string.decode("utf-8", "replace")
        reason = (
            f"An Excel workbook of this view would hold more than {too_many.limit:,} rows. Choose a "
            f"metric, a trust type or fewer trusts, or download the CSV (the same rows, streamed): "
            f"/download/{view}.csv" + (f"?{query}" if query else "") + "\n"
        )
        return Response(reason, status=413, mimetype="text/plain", headers={"Cache-Control": "no-store"})
    size = spool.tell()
    spool.seek(0)
    response = Response(
        wrap_file(request.environ, spool),
        mimetype=XLSX_MIMETYPE,
        headers=prepared.headers,
        direct_passthrough=True,
    )
    response.content_length = size
    return response


def _provenance(view: str, viewer: Viewer, filters: Filters, frames) -> marking.Provenance:
    """Where the file comes from, and whether it shows CP information (then it is marked)."""
    includes = False
    if viewer.sees_any_cp:
        if isinstance(frames, pd.DataFrame):
            dated = {}
            if view in ("uptake", "costs"):  # statuses and totals of rows that may be dated in CP
                dated = {
                    "interventions": queries.interventions(viewer, filters),
                    "costs": queries.costs(viewer, filters),
                }
            includes = marking.includes_cp(
                {view: frames}, cp_episodes=queries.episodes(viewer, filters), cp_dated=dated
            )
        # Anything measured from a CP entry (months from it, effects or CUSUM around it) is CP too.
        includes = includes or (filters.align == "cp_entry" and view in ("trajectories", "effects", "cusum"))
    return exports.csv_provenance(
        view,
        info=queries.dataset_info(viewer),
        as_of=queries.as_of(),
        filters=filters,
        filter_words=report.filters_in_words(filters, queries.named_trust_names(viewer, filters)),
        audience=report_jobs.audience(viewer),
        includes_cp=includes,
        now=datetime.now(UTC).replace(tzinfo=None),
    )


PPTX_MIMETYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@bp.get("/download/findings.pptx")
def findings_deck() -> Response:
    """The findings of the filtered view as a PowerPoint deck, for the viewer's access (§4)."""
    try:
        viewer = current_viewer()
        filters, _ = queries.parse_filters(request.query_string.decode("utf-8", "replace"), viewer)
        content = report_jobs.gather(viewer, filters)
    except DatabaseUnavailable:
        return Response(
            "The database is not answering; try again in a moment.\n",
            status=503,
            mimetype="text/plain",
            headers={"Retry-After": "10"},
        )
    provenance = deck.deck_provenance(content)
    headers = {
        "Content-Disposition": f'attachment; filename="{deck.deck_filename(provenance)}"',
        "Cache-Control": "private, no-store",
    }
    return Response(deck.build_deck(content, provenance), mimetype=PPTX_MIMETYPE, headers=headers)
