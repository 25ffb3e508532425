"""``course data fetch NAME``: download a full official release into the user cache.

Some releases may not be redistributed with the course (the full SIPRI workbook, the COW
formal-alliance files). Users who want them download them here, into
:func:`course.paths.user_cache_dir`. The download is streamed with a progress bar and
its sha256 checked; a failed or offline download says plainly what to do instead.

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
    folder.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    source = url or download.url
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
                        f"{error.reason}. {_manual_hint(download, target)}") from None
    except (urllib.error.URLError, OSError) as error:
        partial.unlink(missing_ok=True)
        reason = getattr(error, "reason", error)
        raise DataError(f"could not reach {source} ({reason}): you seem to be offline or the "
                        f"site is unreachable. {_manual_hint(download, target)}") from None
    actual = digest.hexdigest()
    if download.sha256 is not None and actual != download.sha256:
        partial.unlink(missing_ok=True)
        raise DataError(
            f"the file downloaded from {source} does not match the expected release: sha256 "
            f"{actual}, expected {download.sha256}. The producer may have published a new "
            f"version. {_manual_hint(download, target)}")
    partial.replace(target)
    if download.sha256 is None:
        target.with_name(target.name + ".sha256").write_text(f"{actual}  {target.name}\n")
        if progress is not None:
            progress.write(f"no published checksum for {name}; recorded sha256 {actual}\n")
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
