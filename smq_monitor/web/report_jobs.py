"""Findings packs made in the background: start a job, follow its progress, download the file.

A job is a folder `<instance>/reports/<job-id>/` (mode 0700) holding `status.json` (state,
progress, the owner's access, who runs it) and, when done, `pack.html` (files 0600: readable by
the app's user only). Being on disk, a job started through one gunicorn worker can be polled and
downloaded through any other, and through any replica that shares the instance folder. The job
id is random (128 bits) and the job is bound to the access of the viewer who started it
(`Viewer.cache_key()`): anyone else gets 404, so a public visitor cannot fetch a pack made for
an analyst even with its address.

Limits: each client may start `SMQ_PACK_QUOTA_PUBLIC` packs (anonymous, counted per address)
or `SMQ_PACK_QUOTA_SIGNED_IN` (per user); each process makes at most `SMQ_PACK_THREADS` at once
with `SMQ_PACK_QUEUE` waiting. Past either, the answer is 429 with Retry-After (the page says
so). A full disk fails the job with a message, never a 500.

Workers come and go (gunicorn recycles them after `max_requests`, or one dies): the runner
records its host and process id and a heartbeat every few seconds. A worker leaving gracefully
hands its unfinished jobs back; whoever polls a job whose runner is gone (a process that no
longer exists on this host, or a heartbeat older than `HEARTBEAT_STALE` seconds from another
host) takes it over and makes it again, once; after that it reports failure at once.

The content is gathered with the same queries and builders as the pages, for the same viewer,
so the pack shows exactly what that viewer may see.

HTTP (Blueprint `bp`, registered by the app factory):
  POST /reports?<a page's query string>  → 202 {job_id, status_url, download_url}; 429 when
                                            over quota or the queue is full; 503 on a full disk
  GET  /reports/<job_id>                  → {state, progress, step, download_url?, error?}
  GET  /reports/<job_id>/download         → the HTML as an attachment
The overview page starts and polls jobs through its callbacks with `start_job` / `job_status`.
"""

from __future__ import annotations

import atexit
import errno
import json
import logging
import os
import queue
import re
import secrets
import shutil
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import limits
from flask import Blueprint, Flask, abort, current_app, jsonify, request, send_file

from dashboard import formats, marking, report, tables, timelines
from dashboard.figures import interventions as intervention_figures
from dashboard.figures import overview as overview_figures
from dashboard.figures import timelines as timeline_figures
from dashboard.labels import ROLE_LABELS
from dashboard.words import date_words
from data_access import overview_queries, queries, timeline_queries
from data_access.errors import DatabaseUnavailable
from data_access.filters import Filters
from data_access.viewer import Viewer
from data_access.vocab import GROUPS, TRUST_TYPES
from smq_monitor.config import instance_dir
from smq_monitor.web.auth import _same_origin, current_viewer
from smq_monitor.web.security import NO_STORE, client_key, limiter

log = logging.getLogger("smq_monitor.reports")
bp = Blueprint("reports", __name__)

JOB_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KEEP_SECONDS = 24 * 3600  # finished jobs are removed after a day
HEARTBEAT_SECONDS = 5.0  # how often a runner says it is still at work
HEARTBEAT_STALE = 30.0  # a runner on another host silent this long is gone
MAX_ATTEMPTS = 2  # a job is made again once after its runner is gone, then fails
EXIT_GRACE_SECONDS = float(os.environ.get("SMQ_PACK_EXIT_GRACE_S", "5"))
STATUS_FILE = "status.json"
PACK_FILE = "pack.html"
DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)

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
        audience=audience(viewer),
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


def audience(viewer: Viewer) -> str:
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
            f"Data last imported on {formats.display_datetime(info['imported_at'])} "
            f"(data version {info.get('data_version')})."
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
# Refusals: quotas, a full queue, a full disk


@dataclass(frozen=True)
class PackRefused(Exception):
    """No pack was started: why (`quota`, `busy`, `disk`), and when to try again."""

    reason: str
    retry_after: int

    @property
    def status(self) -> int:
        return 503 if self.reason == "disk" else 429

    @property
    def message(self) -> str:
        wait = _wait_words(self.retry_after)
        if self.reason == "quota":
            return f"You have made as many findings packs as are allowed for now. Please try again in {wait}."
        if self.reason == "busy":
            return f"The server is busy making other findings packs. Please try again in {wait}."
        return "There is no room on the server's disk to make the pack. Please tell the operators."


def _wait_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{round(seconds / 60)} minutes"


REFUSED = re.compile(r"^refused-(quota|busy|disk)-(\d{1,6})-[A-Za-z0-9]{8}$")


def _refused_id(refusal: PackRefused) -> str:
    """An id that carries the refusal itself, so the page's poll shows it with nothing stored."""
    return f"refused-{refusal.reason}-{refusal.retry_after}-{secrets.token_hex(4)}"


def _quota_check(viewer: Viewer) -> None:
    """Count one pack against the client's quota; PackRefused when it is used up. Anonymous
    visitors are counted per address, signed-in users per account (wherever they are)."""
    settings = current_app.config["SMQ_SETTINGS"]
    if viewer.username:
        rule, who = settings.pack_quota_signed_in, f"user:{viewer.username}"
    else:
        rule, who = settings.pack_quota_public, f"client:{client_key()}"
    try:
        strategy = limiter.limiter
        for item in limits.parse_many(rule):
            if not strategy.hit(item, "findings-pack", who):
                reset, _ = strategy.get_window_stats(item, "findings-pack", who)
                raise PackRefused("quota", max(1, int(reset - time.time()) + 1))
    except PackRefused:
        raise
    except Exception:  # noqa: BLE001 - a broken limiter store costs the quota, not the pack
        log.warning("findings-pack quota not checked: the limiter's store failed", exc_info=True)


# --------------------------------------------------------------------------------------------
# Jobs on disk


def reports_dir() -> Path:
    path = instance_dir() / "reports"
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def _job_dir(job_id: str) -> Path | None:
    if not isinstance(job_id, str) or not JOB_ID.match(job_id):
        return None
    path = reports_dir() / job_id
    return path if path.is_dir() else None


def _write_private(path: Path, data: bytes) -> None:
    """Write a file readable by the app's user only, atomically (a temporary file, then a
    rename), so a reader never sees half of it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # frees the blocks a full disk needs for the failure note
        raise


_status_lock = threading.Lock()  # a job's thread and the heartbeat both update its status


def _write_status(folder: Path, **changes) -> dict:
    with _status_lock:
        status = _read_status(folder) or {}
        status.update(changes, updated=time.time())
        _write_private(folder / STATUS_FILE, json.dumps(status).encode())
        return status


def _update_if_mine(folder: Path, **changes) -> bool:
    """Change the status only while this process runs the job and it is unfinished (checked and
    written under the lock, so this never writes back a state the job has just left)."""
    with _status_lock:
        status = _read_status(folder)
        if not (
            status and status.get("runner") == _runner_id() and status.get("state") in ("queued", "running")
        ):
            return False
        status.update(changes, updated=time.time())
        _write_private(folder / STATUS_FILE, json.dumps(status).encode())
        return True


def _beat(folder: Path) -> None:
    """Record that this process is still at the job."""
    _update_if_mine(folder, heartbeat=time.time())


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


# --------------------------------------------------------------------------------------------
# Runners: a small pool per process, with a bounded queue, a heartbeat and a hand-back on exit

HOST = socket.gethostname()


def _runner_id() -> str:
    return f"{HOST}:{os.getpid()}"


class _Runner:
    """This process's pack makers: `threads` daemon threads, `queue` more jobs waiting, no more.

    Daemon threads, not a ThreadPoolExecutor: the interpreter waits for an executor's threads on
    exit, which would keep a recycled gunicorn worker (and its replacement) waiting for every
    queued pack; here a leaving worker hands its jobs back instead."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = 0
        self._jobs: queue.Queue = queue.Queue()
        self._slots = 0
        self._closing = False
        self.active: dict[str, Path] = {}

    def _fresh_process(self, threads: int) -> None:
        """Called with the lock held: a new process (gunicorn forked us) gets its own threads."""
        self._pid, self._slots, self._closing, self.active = os.getpid(), 0, False, {}
        self._jobs = queue.Queue()
        for n in range(threads):
            threading.Thread(target=self._work, name=f"findings-pack-{n}", daemon=True).start()
        threading.Thread(target=self._heartbeat, name="findings-pack-heartbeat", daemon=True).start()

    def submit(self, app: Flask, folder: Path, viewer: Viewer, filters: Filters) -> None:
        settings = app.config["SMQ_SETTINGS"]
        with self._lock:
            if self._pid != os.getpid():
                self._fresh_process(settings.pack_threads)
            if self._closing or self._slots >= settings.pack_threads + settings.pack_queue:
                raise PackRefused("busy", 30)
            self._slots += 1
            self.active[folder.name] = folder
        self._jobs.put((app, folder, viewer, filters))

    def _work(self) -> None:
        while True:
            app, folder, viewer, filters = self._jobs.get()
            try:
                if not self._closing:  # leaving: the job is handed back, not started
                    _make(app, folder, viewer, filters)
            finally:
                with self._lock:
                    self._slots -= 1
                    self.active.pop(folder.name, None)

    def _heartbeat(self) -> None:
        while True:
            time.sleep(HEARTBEAT_SECONDS)
            with self._lock:
                folders = list(self.active.values())
            for folder in folders:
                try:
                    _beat(folder)
                except OSError:
                    continue

    def hand_back(self, grace: float = EXIT_GRACE_SECONDS) -> int:
        """On the way out: start no more jobs, let running ones finish for up to `grace`
        seconds, then release the rest, so the next poll (in another process) takes them over
        at once."""
        if self._pid != os.getpid():
            return 0
        self._closing = True
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(
            (_read_status(f) or {}).get("state") == "running" for f in list(self.active.values())
        ):
            time.sleep(0.1)
        released = 0
        with self._lock:
            folders = list(self.active.values())
        for folder in folders:
            try:
                released += _update_if_mine(
                    folder, state="queued", runner="", step="Waiting for another worker"
                )
            except OSError:
                continue
        if released:
            log.info("handed back %d unfinished findings pack(s) on exit", released)
        return released


_runner = _Runner()


def hand_back_jobs(grace: float = EXIT_GRACE_SECONDS) -> int:
    """Release this process's unfinished jobs to the other workers (gunicorn's `worker_exit`
    hook and an atexit handler call it); returns how many were handed back."""
    return _runner.hand_back(grace)


atexit.register(hand_back_jobs)


def _runner_gone(status: dict) -> bool:
    runner = status.get("runner")
    if runner == "":
        return True  # handed back on exit
    if time.time() - float(status.get("heartbeat") or status.get("updated") or 0) > HEARTBEAT_STALE:
        return True  # a live runner beats every few seconds, wherever it is
    if not runner:
        return False
    host, _, pid = str(runner).rpartition(":")
    if host == HOST and pid.isdigit():
        if int(pid) == os.getpid():
            return status.get("job_id") not in _runner.active
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
    return False


def _make(app: Flask, folder: Path, viewer: Viewer, filters: Filters) -> None:
    with app.app_context():
        try:
            _write_status(folder, state="running", progress=5, step="Starting", heartbeat=time.time())

            def progress(pct: int, text: str) -> None:
                _write_status(folder, progress=pct, step=text, heartbeat=time.time())

            content = gather(viewer, filters, progress)
            _write_status(folder, progress=96, step="Writing the file")
            _write_private(folder / PACK_FILE, report.build_html(content).encode("utf-8"))
            _write_status(
                folder, state="done", progress=100, step="Ready", filename=report.pack_filename(content.as_of)
            )
            log.info(
                "findings pack %s made", folder.name[:8], extra={"event": "pack_done", "role": viewer.role}
            )
        except Exception as error:  # the job must end in a state the page can show
            disk_full = isinstance(error, OSError) and error.errno in DISK_FULL
            if disk_full:
                log.error("findings pack %s failed: the disk is full", folder.name[:8])
                message = (
                    "There was no room on the server's disk to make the pack. Please tell the operators."
                )
            else:
                log.exception("findings pack %s failed", folder.name[:8])
                message = f"The pack could not be made ({type(error).__name__})."
            (folder / PACK_FILE).unlink(missing_ok=True)
            try:
                _write_status(folder, state="failed", step="Failed", error=message)
            except OSError:
                log.error("findings pack %s: could not record the failure either", folder.name[:8])


def _viewer_record(viewer: Viewer) -> dict:
    return {"role": viewer.role, "trusts": sorted(viewer.trusts), "username": viewer.username}


def submit(viewer: Viewer, filters: Filters, app: Flask | None = None) -> str:
    """Start making a pack for this viewer; return its job id. Raises PackRefused when over
    quota, when this process's queue is full, or when the disk is full."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    _quota_check(viewer)
    job_id = secrets.token_urlsafe(16)
    try:
        _clean_old()
        folder = reports_dir() / job_id
        folder.mkdir(mode=0o700)
        _write_status(
            folder,
            job_id=job_id,
            state="queued",
            progress=0,
            step="Queued",
            owner=viewer.cache_key(),
            viewer=_viewer_record(viewer),
            query=filters.to_query(),
            created=time.time(),
            heartbeat=time.time(),
            runner=_runner_id(),
            attempts=1,
        )
    except OSError as error:
        shutil.rmtree(reports_dir() / job_id, ignore_errors=True)
        if error.errno in DISK_FULL:
            log.error("findings pack refused: the disk is full")
            raise PackRefused("disk", 300) from error
        raise
    try:
        _runner.submit(app, folder, viewer, filters)
    except PackRefused:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return job_id


def start_job(viewer: Viewer, filters: Filters, app: Flask | None = None) -> str:
    """The page's way in: like `submit`, but a refusal comes back as a job id whose status
    says why, so the page's progress line shows it with no special case."""
    try:
        return submit(viewer, filters, app)
    except PackRefused as refusal:
        return _refused_id(refusal)


def _take_over(folder: Path, status: dict) -> dict:
    """The runner is gone: make the job again here (once), or fail it now."""
    attempts = int(status.get("attempts") or 1)
    failed = {
        "state": "failed",
        "step": "Failed",
        "error": "The server stopped while making the pack. Please try again.",
    }
    if attempts >= MAX_ATTEMPTS or not isinstance(status.get("viewer"), dict):
        return _write_status(folder, **failed)
    try:  # one process wins the claim; the others see its new status
        fd = os.open(folder / f".claim-{attempts + 1}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    except FileExistsError:
        return _read_status(folder) or status
    record = status["viewer"]
    viewer = Viewer(role=record["role"], trusts=frozenset(record["trusts"]), username=record.get("username"))
    filters, _ = queries.parse_filters(status.get("query") or "", viewer)
    taken = _write_status(
        folder,
        state="queued",
        step="Starting again",
        attempts=attempts + 1,
        runner=_runner_id(),
        heartbeat=time.time(),
    )
    try:
        _runner.submit(current_app._get_current_object(), folder, viewer, filters)  # type: ignore[attr-defined]
    except PackRefused:
        return _write_status(folder, **failed)
    log.info("findings pack %s taken over after its worker left", folder.name[:8])
    return taken


def job_status(job_id: str, viewer: Viewer) -> dict | None:
    """The job's progress, or None when there is no such job for this viewer."""
    refused = REFUSED.match(job_id) if isinstance(job_id, str) else None
    if refused:
        refusal = PackRefused(refused.group(1), int(refused.group(2)))
        return {
            "job_id": job_id,
            "state": "failed",
            "progress": 0,
            "step": "Refused",
            "error": refusal.message,
        }
    folder = _job_dir(job_id)
    status = _read_status(folder) if folder else None
    if not status or status.get("owner") != viewer.cache_key():
        return None
    if status.get("state") in ("queued", "running") and _runner_gone(status):
        try:
            status = _take_over(folder, status)  # type: ignore[arg-type]
        except DatabaseUnavailable:
            pass  # the filters cannot be read now: the next poll tries again
        except OSError:
            status = {**status, "state": "failed", "step": "Failed", "error": "The pack could not be made."}
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


def init_app(server: Flask) -> None:
    """Nothing to start until the first job: the pool is made in the process that needs it."""
    server.extensions["smq_report_jobs"] = _runner


# --------------------------------------------------------------------------------------------
# HTTP


def _no_store(response):
    response.headers["Cache-Control"] = NO_STORE
    return response


@bp.post("/reports")
def create():
    if not _same_origin():
        abort(400, "Start a findings pack from the dashboard itself.")
    who = current_viewer()
    try:
        filters, notices = queries.parse_filters(request.query_string.decode("utf-8", "replace"), who)
    except DatabaseUnavailable:
        response = _no_store(jsonify({"error": "The database is not answering; try again in a moment."}))
        response.status_code = 503
        response.headers["Retry-After"] = "10"
        return response
    try:
        job_id = submit(who, filters)
    except PackRefused as refusal:
        response = _no_store(jsonify({"error": refusal.message, "reason": refusal.reason}))
        response.status_code = refusal.status
        response.headers["Retry-After"] = str(refusal.retry_after)
        return response
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
