"""`smq-monitor convert`: read public files as their publishers release them (contract §6) and
write the §2 CSV files they hold, merging with the files already in the output folder.

    run("cqc-ratings", [Path("ratings-2026-01.ods")], Path("data")) -> exit status

One module per kind (`cqc`, `ae`, `shmi`, `nof`) turns files into §2 rows; `reading` opens any
file as rows of cells, `columns` finds columns by meaning, `values` reads cells and periods,
`output` merges and writes, `known` says which trusts values may be written for. Nothing is
written unless every file could be read: a rejection lists each problem with file, row and column.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from data_access.convert import ae, cqc, nof, shmi
from data_access.convert.common import Conversion, Rejected
from data_access.convert.context import Context
from data_access.convert.output import ORDER, Merged, key_of, merge, write

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2

CONVERTERS: dict[str, Callable[[list[Path], Context], Conversion]] = {
    cqc.KIND: cqc.convert,
    ae.KIND: ae.convert,
    shmi.KIND: shmi.convert,
    nof.KIND: nof.convert,
}
KINDS: tuple[str, ...] = tuple(CONVERTERS)

# How many providers that are not trusts the summary names before it says "and N more".
_LIST_PROVIDERS = 25


def run(
    kind: str,
    files: Sequence[Path | str],
    out_dir: Path | str,
    *,
    database_url: str | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Convert `files` of `kind` into `out_dir`, print what was read, taken and skipped; the exit status.

    0: written (or nothing to write); 1: a file could not be read (every problem on `stderr`,
    nothing written); 2: a usage error. Progress shows on `stdout` when it is a terminal.
    """
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    if kind not in CONVERTERS:
        print(f"smq-monitor convert: unknown kind '{kind}' (choose from: {', '.join(KINDS)})", file=err)
        return EXIT_USAGE
    if not files:
        print("smq-monitor convert: no files given", file=err)
        return EXIT_USAGE
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        print(f"smq-monitor convert: --out {folder} is not a folder", file=err)
        return EXIT_USAGE
    ctx = Context(folder, database_url, stream=out)
    try:
        conversion = CONVERTERS[kind]([Path(f) for f in files], ctx)
    except Rejected as rejected:  # the output folder's own files could not be read
        return _rejected(rejected.problems, folder, err)
    if conversion.problems:
        return _rejected(conversion.problems, folder, err)
    try:
        merged = [
            merge(folder, stem, {key_of(stem, row): row for row in conversion.collected.rows[stem].values()})
            for stem in ORDER
            if conversion.collected.rows.get(stem)
        ]
    except Rejected as rejected:
        return _rejected(rejected.problems, folder, err)
    for item in merged:
        if not item.path.exists() or item.path.read_text(encoding="utf-8-sig") != item.text:
            write(item)
    for line in summary(conversion, merged, ctx):
        print(line, file=out)
    return EXIT_OK


def _rejected(problems: list, folder: Path, err: TextIO) -> int:
    for problem in problems:
        print(str(problem), file=err)
    print(f"convert rejected: {len(problems)} problem(s); nothing was written to {folder}", file=err)
    return EXIT_REJECTED


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{name} {n:,}" for name, n in counter.items())


def summary(conversion: Conversion, merged: list[Merged], ctx: Context) -> list[str]:
    """The lines `run` prints: each file read, what it gave and skipped, what was written where."""
    lines = [f"{conversion.kind}: read {len(conversion.files)} file(s)"]
    for report in conversion.files:
        lines.append(f"  {report.path} ({report.where}): {report.rows:,} rows")
        if report.took:
            lines.append(f"    took: {_counts(report.took)}")
        if report.skipped:
            lines.append(f"    skipped: {_counts(report.skipped)}")
        for note in report.notes:
            lines.append(f"    note: {note}")
    collected = conversion.collected
    for stem, n in collected.repeats.items():
        lines.append(f"  {n:,} {stem} row(s) appeared in more than one file (written once)")
    for stem, n in collected.clashes.items():
        lines.append(f"  {n:,} {stem} row(s) differed between files: the later file's row is written")
    if conversion.unknown:
        providers = sorted(conversion.unknown.values(), key=lambda p: p.code)
        shown = ", ".join(
            f"{p.code}" + (f" {p.name}" if p.name else "") + f" ({p.rows:,} row{'s' if p.rows != 1 else ''})"
            for p in providers[:_LIST_PROVIDERS]
        )
        more = f", and {len(providers) - _LIST_PROVIDERS} more" if len(providers) > _LIST_PROVIDERS else ""
        lines.append(f"  not written, not known trusts ({len(providers)} provider(s)): {shown}{more}")
    if ctx._known is not None and conversion.kind != cqc.KIND:
        lines.append(f"  {ctx.known.describe(ctx.out_dir)}")
        if not ctx.known.codes:
            lines.append(
                "  no known trusts: convert the CQC ratings into this folder first (smq-monitor convert "
                "cqc-ratings ... --out DIR), or import trusts into the database"
            )
    for note in conversion.notes:
        lines.append(f"  note: {note}")
    if not merged:
        lines.append(f"nothing to write into {ctx.out_dir}")
        return lines
    lines.append(f"wrote into {ctx.out_dir}:")
    for item in merged:
        lines.append(
            f"  {item.path.name}: {item.rows:,} rows ({item.new:,} new, {item.updated:,} updated, "
            f"{item.unchanged:,} unchanged)"
        )
    return lines
