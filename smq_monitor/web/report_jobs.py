"""Findings packs made in the background: start a job, follow its progress, download the file.

A job is a folder `instance/reports/<job-id>/` holding `status.json` (state, progress, the
owner's access key) and, when done, `pack.html`. Being on disk, a job started through one
gunicorn worker can be polled and downloaded through any other. The job id is random (128
bits) and the job is bound to the access of the viewer who started it (`Viewer.cache_key()`):
anyone else gets 404, so a public visitor cannot fetch a pack made for an analyst even with its
address.

The content is gathered with the same queries and builders as the pages, for the same viewer,
so the pack shows exactly what that viewer may see.

HTTP (Blueprint `bp`, registered by the app factory):
  POST /reports?<a page's query string>  → 202 {job_id, status_url, download_url}
  GET  /reports/<job_id>                  → {state, progress, step, download_url?, error?}
  GET  /reports/<job_id>/download         → the HTML as an attachment
The overview page starts and polls jobs through its callbacks with `start_job` / `job_status`.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, jsonify, request, send_file

from dashboard import marking, report, tables, timelines
from dashboard.figures import interventions as intervention_figures
from dashboard.figures import overview as overview_figures
from dashboard.figures import timelines as timeline_figures
from dashboard.labels import ROLE_LABELS
from dashboard.words import date_words
from data_access import overview_queries, queries, timeline_queries
from data_access.filters import Filters
from data_access.viewer import Viewer
from data_access.vocab import GROUPS, TRUST_TYPES
from smq_monitor.config import instance_dir
from smq_monitor.web.auth import _same_origin, current_viewer

log = logging.getLogger("smq_monitor.reports")
bp = Blueprint("reports", __name__)

JOB_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KEEP_SECONDS = 24 * 3600  # finished jobs are removed after a day
STALE_SECONDS = 600  # a job not updated for this long died with its worker
STATUS_FILE = "status.json"
PACK_FILE = "pack.html"

Progress = Callable[[int, str], None]


# --------------------------------------------------------------------------------------------
# Gathering the content (queries → builders)


def gather(viewer: Viewer, filters: Filters, progress: Progress | None = None) -> report.PackContent:
    """The pack's content for this viewer and these filters, from the pages' own queries."""
    step = progress or (lambda pct, text: None)
    show_cp = viewer.sees_any_cp
    info = queries.dataset_info()
    as_of = queries.as_of()
    query = filters.to_query()

    step(10, "Reading trusts and regime episodes")
    trusts = queries.trusts(viewer, filters)
    episodes = queries.episodes(viewer, filters)
    names = dict(zip(queries.trusts(viewer)["trust_code"], queries.trusts(viewer)["trust_name"], strict=True))

    step(20, "Headline figures")
    headlines = overview_figures.headlines(trusts, episodes, as_of, show_cp, query)

    step(35, "National counts over time")
    monthly = timeline_queries.monthly_counts(viewer, filters)
    counts = timeline_figures.counts_figure(monthly, as_of, show_cp)
    counts_note = timeline_figures.counts_note(as_of, show_cp, partial_cp=not viewer.sees_everything)

    step(50, "Evaluation groups and trust types")
    groups_figure = overview_figures.distribution_figure(trusts, "group")
    types_figure = overview_figures.distribution_figure(trusts, "type")

    step(60, "Timelines summary")
    kpis = timelines.timeline_kpis(episodes, as_of, show_cp)

    step(70, "Intervention uptake")
    interventions = queries.interventions(viewer, filters)
    uptake = tables.uptake_view(trusts, interventions)

    step(85, "Cost-consequence summary")
    cost_rows = queries.costs(viewer, filters)
    costs = tables.costs_view(
        trusts,
        episodes,
        cost_rows,
        queries.ratings(viewer, filters, domains=("overall",)),
        as_of,
    )

    step(92, "Data notes")
    coverage = overview_queries.coverage(viewer, filters)
    unrated = overview_queries.trusts_without_ratings(viewer, filters)
    return report.PackContent(
        generated_at=datetime.now(UTC).replace(tzinfo=None),
        as_of=as_of,
        dataset_name=info.get("name"),
        synthetic=bool(info.get("synthetic")),
        licence=info.get("licence"),
        imported_at=info.get("imported_at"),
        audience=_audience(viewer),
        show_cp=show_cp,
        filter_words=report.filters_in_words(filters, names),
        headlines=headlines,
        counts_figure=counts,
        counts_note=counts_note,
        groups_figure=groups_figure,
        types_figure=types_figure,
        group_counts=report.category_counts(trusts, "evaluation_group", GROUPS),
        type_counts=report.category_counts(trusts, "trust_type", TRUST_TYPES),
        timeline_kpis=kpis,
        uptake_figure=intervention_figures.counts_figure(uptake),
        uptake_counts=intervention_figures.status_counts(uptake),
        uptake_trusts=len(uptake),
        cost_medians=report.cost_group_medians(costs),
        data_notes=data_notes(info, as_of, show_cp, viewer, coverage, len(unrated), len(trusts)),
        filters=filters,
        monthly_counts=monthly,
        uptake=uptake,
        costs=costs,
        cp_reasons=tuple(
            marking.cp_reasons(
                {"trusts": trusts, "episodes": episodes, "monthly counts": monthly},
                cp_episodes=episodes,
                cp_dated={"interventions": interventions, "costs": cost_rows},
            )
        ),
    )


def _audience(viewer: Viewer) -> str:
    role = ROLE_LABELS.get(viewer.role, viewer.role)
    if viewer.role == "improvement_director" and viewer.trusts:
        return f"{role}: Challenged Providers information for {', '.join(sorted(viewer.trusts))} only"
    return role


def data_notes(
    info: dict, as_of: date, show_cp: bool, viewer: Viewer, coverage, unrated: int, trusts: int
) -> list[str]:
    notes = [
        f"“Now” is the data's as-of date, {date_words(as_of)}: an episode with no end date "
        "is ongoing and counts up to that date.",
        "Evaluation groups follow the published rules (first match wins; the trusts file may override a group).",
    ]
    if info.get("imported_at"):
        notes.append(
            f"Data last imported on {info['imported_at']:%d %B %Y at %H:%M} UTC (data version {info.get('data_version')})."
        )
    if not coverage.empty and coverage["expected"].sum():
        share = coverage["observed"].sum() / coverage["expected"].sum()
        notes.append(
            f"Metric coverage: {share:.1%} of expected trust-periods have a value "
            f"({int(coverage['observed'].sum()):,} of {int(coverage['expected'].sum()):,})."
        )
    notes.append(f"{unrated:,} of the {trusts:,} filtered trusts have no overall CQC rating.")
    if show_cp and not viewer.sees_everything:
        notes.append("Challenged Providers information is included only for the trusts you may see it for.")
    if not show_cp:
        notes.append("This is the public view: it includes nothing that needs signing in.")
    if info.get("synthetic"):
        notes.append("The data are synthetic: invented for demonstration and describing no real NHS trust.")
    if info.get("notes"):
        notes.append(f"Dataset notes: {info['notes']}")
    notes.append(
        "Definitions of every metric, the group and SPC rules, and data quality are on the Data and methods page of smq-monitor."
    )
    return notes


# --------------------------------------------------------------------------------------------
# Jobs on disk


def reports_dir() -> Path:
    path = instance_dir() / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _job_dir(job_id: str) -> Path | None:
    if not isinstance(job_id, str) or not JOB_ID.match(job_id):
        return None
    path = reports_dir() / job_id
    return path if path.is_dir() else None


def _write_status(folder: Path, **changes) -> dict:
    status = _read_status(folder) or {}
    status.update(changes, updated=time.time())
    tmp = folder / f".{STATUS_FILE}.{threading.get_ident()}"
    tmp.write_text(json.dumps(status))
    os.replace(tmp, folder / STATUS_FILE)
    return status


def _read_status(folder: Path) -> dict | None:
    try:
        return json.loads((folder / STATUS_FILE).read_text())
    except (OSError, ValueError):
        return None


def _clean_old() -> None:
    cutoff = time.time() - KEEP_SECONDS
    for folder in reports_dir().iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _run(app: Flask, folder: Path, viewer: Viewer, filters: Filters) -> None:
    with app.app_context():
        try:
            _write_status(folder, state="running", progress=5, step="Starting")

            def progress(pct: int, text: str) -> None:
                _write_status(folder, progress=pct, step=text)

            content = gather(viewer, filters, progress)
            _write_status(folder, progress=96, step="Writing the file")
            tmp = folder / f".{PACK_FILE}"
            tmp.write_text(report.build_html(content), encoding="utf-8")
            os.replace(tmp, folder / PACK_FILE)
            _write_status(
                folder, state="done", progress=100, step="Ready", filename=report.pack_filename(content.as_of)
            )
        except Exception as error:  # the job must end in a state the page can show
            log.exception("findings pack %s failed", folder.name)
            _write_status(
                folder,
                state="failed",
                step="Failed",
                error=f"The pack could not be made ({type(error).__name__}).",
            )


def start_job(viewer: Viewer, filters: Filters, app: Flask | None = None) -> str:
    """Start making a pack for this viewer in a background thread; return its job id."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    _clean_old()
    job_id = secrets.token_urlsafe(16)
    folder = reports_dir() / job_id
    folder.mkdir()
    _write_status(
        folder,
        job_id=job_id,
        state="queued",
        progress=0,
        step="Queued",
        owner=viewer.cache_key(),
        query=filters.to_query(),
        created=time.time(),
    )
    threading.Thread(
        target=_run, args=(app, folder, viewer, filters), name=f"findings-pack-{job_id[:8]}", daemon=True
    ).start()
    return job_id


def job_status(job_id: str, viewer: Viewer) -> dict | None:
    """The job's progress, or None when there is no such job for this viewer."""
    folder = _job_dir(job_id)
    status = _read_status(folder) if folder else None
    if not status or status.get("owner") != viewer.cache_key():
        return None
    if (
        status.get("state") in ("queued", "running")
        and time.time() - status.get("updated", 0) > STALE_SECONDS
    ):
        status = {
            **status,
            "state": "failed",
            "step": "Failed",
            "error": "The server stopped while making the pack. Please try again.",
        }
    public = {k: status.get(k) for k in ("job_id", "state", "progress", "step", "error", "filename")}
    if status.get("state") == "done":
        public["download_url"] = f"/reports/{job_id}/download"
    return public


def pack_path(job_id: str, viewer: Viewer) -> tuple[Path, str] | None:
    status = job_status(job_id, viewer)
    folder = _job_dir(job_id)
    if not status or status.get("state") != "done" or folder is None:
        return None
    path = folder / PACK_FILE
    return (path, status.get("filename") or "smq-monitor-findings.html") if path.exists() else None


# --------------------------------------------------------------------------------------------
# HTTP


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/reports")
def create():
    if not _same_origin():
        abort(400, "Start a findings pack from the dashboard itself.")
    who = current_viewer()
    filters, notices = queries.parse_filters(request.query_string.decode("utf-8", "replace"), who)
    job_id = start_job(who, filters)
    body = {
        "job_id": job_id,
        "status_url": f"/reports/{job_id}",
        "download_url": f"/reports/{job_id}/download",
        "notices": notices,
    }
    return _no_store(jsonify(body)), 202


@bp.get("/reports/<job_id>")
def status(job_id: str):
    found = job_status(job_id, current_viewer())
    if found is None:
        return _no_store(jsonify({"error": "No such findings pack."})), 404
    return _no_store(jsonify(found))


@bp.get("/reports/<job_id>/download")
def download(job_id: str):
    found = pack_path(job_id, current_viewer())
    if found is None:
        abort(404)
    path, filename = found
    response = send_file(path, mimetype="text/html", as_attachment=True, download_name=filename, max_age=0)
    return _no_store(response)
