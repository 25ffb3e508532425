"""``course data fetch NAME``: download a full official release into the user cache.

Some releases may not be redistributed with the course (the full SIPRI workbook, the COW
formal-alliance files). Users who want them download them here, into
:func:`course.paths.user_cache_dir`. The download is streamed with a progress bar and
its sha256 checked; a failed or offline download says plainly what to do instead.

``course data fetch raw`` downloads the raw releases the data build and the maintainers'
tests read (:func:`fetch_raw`), each from the commit-pinned copy it was taken from and
checked against its registered sha256, into ``<user cache>/shared/data``, so a
maintainer without the shared folder can rebuild and test.

Examples
--------
>>> format_progress(512_000, 1_024_000, width=10)
'[#####     ]  50%    500 kB / 1000 kB'
>>> format_progress(2048, None, width=10)
'[??????????]      2 kB'
"""

from __future__ import annotations

import hashlib
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from course import paths
from course.errors import DataError

CHUNK = 64 * 1024
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Download:
    """One optional download: where it comes from and what it must hash to."""

    name: str
    url: str
    page: str
    filename: str
    sha256: str | None
    note: str


DOWNLOADS: dict[str, Download] = {
    d.name: d
    for d in [
        Download(
            name="sipri-workbook",
            url="https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2024_2.xlsx",
            page="https://www.sipri.org/databases/milex",
            filename="SIPRI-Milex-data-1949-2024_2.xlsx",
            sha256="9362c97ad1e36e3a577139d309d37de331ecb5849824167578c60692f789ffc4",
            note="SIPRI Military Expenditure Database 2025 (data 1949-2024); non-commercial "
                 "use with citation; do not republish more than 3,500 values.",
        ),
        Download(
            name="cow-alliances",
            url="https://correlatesofwar.org/wp-content/uploads/version4.1_csv.zip",
            page="https://correlatesofwar.org/data-sets/formal-alliances/",
            filename="version4.1_csv.zip",
            sha256=None,
            note="COW Formal Alliances v4.1 (Gibler 2009); cite Gibler (2009). Not shipped with "
                 "the course at the maintainer's request; ATOP is used instead.",
        ),
    ]
}


def format_progress(done: int, total: int | None, width: int = 30) -> str:
    """One line of progress: a bar, the percentage and the kilobytes done (of total)."""
    if not total:
        return f"[{'?' * width}] {done // 1024:>6} kB"
    fraction = min(done / total, 1.0)
    filled = int(round(fraction * width))
    return (f"[{'#' * filled}{' ' * (width - filled)}] {fraction * 100:>3.0f}% "
            f"{done // 1024:>6} kB / {total // 1024} kB")


def _manual_hint(download: Download, target: Path) -> str:
    return (f"Download it by hand from {download.page} (file {download.filename}) and save it "
            f"as {target}; then run `course data fetch {download.name}` again to check it.")


def fetch(
    name: str,
    url: str | None = None,
    force: bool = False,
    cache_dir: Path | None = None,
    progress: TextIO | None = sys.stderr,
) -> Path:
    """Download one release into the cache and verify its sha256; return its path.

    A file already in the cache with the right checksum is not downloaded again
    (unless ``force``). Raises :class:`DataError` when offline, on an HTTP error or on a
    checksum mismatch; the message says where to download the file by hand and where to
    put it.
    """
    if name not in DOWNLOADS:
        raise DataError(f"unknown download {name!r}. Valid names: {', '.join(sorted(DOWNLOADS))}.")
    download = DOWNLOADS[name]
    folder = Path(cache_dir) if cache_dir else paths.user_cache_dir()
    target = folder / download.filename
    cached_ok = target.is_file() and (
        download.sha256 is None or _sha256(target) == download.sha256
    )
    if cached_ok and not force:
        return target
    actual = _download(url or download.url, target, download.sha256, name=name,
                       hint=_manual_hint(download, target), progress=progress)
    if download.sha256 is None:
        target.with_name(target.name + ".sha256").write_text(f"{actual}  {target.name}\n")
        if progress is not None:
            progress.write(f"no published checksum for {name}; recorded sha256 {actual}\n")
    return target


# ------------------------------------------------------------------ raw releases


@dataclass(frozen=True)
class RawFile:
    """One raw file of the build: where it goes, what it must hash to, where it comes from."""

    relative: str  # e.g. "raw/cow-nmc/NMC-60-abridged.csv", as in the shared data folder
    source: str  # key in course.data.sources.SOURCES
    sha256: str
    url: str  # the commit-pinned public copy it was taken from


#: Raw files whose registered copy has LF line endings although the copy they were
#: transcribed from may store CRLF: a download is compared after converting CRLF to LF.
LF_TRANSCRIBED = {"raw/cow-states/majors2024.csv"}


def raw_files(sources: list[str] | None = None) -> list[RawFile]:
    """The raw files ``course data fetch raw`` can download (all, or those of ``sources``).

    Examples
    --------
    >>> [f.relative for f in raw_files(["atop"])]
    ['raw/atop/atop5_1a.csv', 'raw/atop/atop5_1m.csv']
    """
    from course.data.sources import SOURCES

    known = sorted(key for key, source in SOURCES.items() if source.copies)
    unknown = sorted(set(sources or []) - set(known))
    if unknown:
        raise DataError(f"no downloadable raw files for {', '.join(unknown)}. Sources with "
                        f"raw files to download: {', '.join(known)}.")
    return [RawFile(relative, key, SOURCES[key].files[relative], url)
            for key in (sources or known) for relative, url in SOURCES[key].copies.items()]


def fetch_raw(
    sources: list[str] | None = None,
    base_url: str | None = None,
    force: bool = False,
    cache_dir: Path | None = None,
    progress: TextIO | None = sys.stderr,
) -> Path:
    """Download the raw releases the build and the tests read; return the folder.

    Each file goes to ``<cache_dir>/<relative path>`` (by default the user cache's
    ``shared/data``, which :func:`course.paths.shared_data_dir` uses when no shared
    folder sits beside the project) and must match the sha256 registered in
    :mod:`course.data.sources`. ``base_url`` is a mirror laid out like the shared data
    folder (``<base_url>/raw/cow-nmc/NMC-60-abridged.csv``). Files already there with
    the right checksum are kept. Every file is tried; a :class:`DataError` then lists
    the ones that failed and why. The cited case tables, the essay and the excerpt
    checker are not public downloads: they come only with the shared folder.
    """
    folder = Path(cache_dir) if cache_dir else paths.fetched_data_dir()
    files = raw_files(sources)
    failed = []
    for number, item in enumerate(files, start=1):
        target = folder / item.relative
        if not force and target.is_file() and _sha256(target) == item.sha256:
            continue
        url = f"{base_url.rstrip('/')}/{quote(item.relative)}" if base_url else item.url
        if progress is not None:
            progress.write(f"[{number}/{len(files)}] {item.relative}\n")
        hint = (f"Copy {item.relative} from the maintainers' shared folder into {folder}, or "
                f"set COURSE_RAW_DIR to a folder holding it.")
        try:
            _download(url, target, item.sha256, name=item.relative, hint=hint,
                      progress=progress, crlf_as_lf=item.relative in LF_TRANSCRIBED)
        except DataError as error:
            failed.append(str(error))
    if failed:
        raise DataError(f"{len(failed)} of {len(files)} raw files could not be fetched:\n  - "
                        + "\n  - ".join(failed))
    return folder


def _download(source: str, target: Path, sha256: str | None, *, name: str, hint: str,
              progress: TextIO | None, crlf_as_lf: bool = False) -> str:
    """Stream ``source`` to ``target`` through a ``.part`` file; return the sha256.

    The file is moved into place only when its sha256 matches (or none is expected).
    With ``crlf_as_lf``, a download whose CRLF line endings differ from the registered
    LF copy is converted to LF before it is compared.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(source, timeout=TIMEOUT_SECONDS) as response:
            total = response.headers.get("Content-Length")
            total = int(total) if total and total.isdigit() else None
            done = 0
            with open(partial, "wb") as out:
                while block := response.read(CHUNK):
                    out.write(block)
                    digest.update(block)
                    done += len(block)
                    if progress is not None:
                        progress.write("\r" + format_progress(done, total))
                        progress.flush()
            if progress is not None:
                progress.write("\n")
    except urllib.error.HTTPError as error:
        partial.unlink(missing_ok=True)
        raise DataError(f"could not download {name} from {source}: HTTP {error.code} "
                        f"{error.reason}. {hint}") from None
    except (urllib.error.URLError, OSError) as error:
        partial.unlink(missing_ok=True)
        reason = getattr(error, "reason", error)
        raise DataError(f"could not reach {source} ({reason}): you seem to be offline or the "
                        f"site is unreachable. {hint}") from None
    actual = digest.hexdigest()
    if crlf_as_lf and sha256 is not None and actual != sha256:
        converted = partial.read_bytes().replace(b"\r\n", b"\n")
        if hashlib.sha256(converted).hexdigest() == sha256:
            partial.write_bytes(converted)
            actual = sha256
    if sha256 is not None and actual != sha256:
        partial.unlink(missing_ok=True)
        raise DataError(
            f"the file downloaded from {source} does not match the expected release: sha256 "
            f"{actual}, expected {sha256}. The producer may have published a new "
            f"version. {hint}")
    partial.replace(target)
    return actual


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
