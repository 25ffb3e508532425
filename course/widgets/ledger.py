"""The claim ledger: a verdict, evidence and the strongest objection for each claim.

The ledger is a plain data structure first (:class:`Ledger`, a mapping of claim id to
:class:`Entry`), with functions to save it as JSON, read it back, and export it as
Markdown; :func:`ledger_form` is a thin ipywidgets form over it for lesson 06 and the
capstone. The JSON file (``claim_ledger.json`` by default) sits next to the notebook, so
it travels with the homework submission.

Verdicts are one of :data:`VERDICTS`: ``supported``, ``mixed``, ``contradicted`` or
``untestable with these data``; an entry not yet decided has verdict ``""``.

Examples
--------
>>> ledger = Ledger.blank(["C1", "C2"])
>>> _ = ledger.set("C1", "mixed", evidence="CINC says unipolar; GDP says multipolar",
...                objection="CINC overweights population and steel")
>>> ledger["C1"].verdict
'mixed'
>>> Ledger.from_json(ledger.to_json())["C1"].objection
'CINC overweights population and steel'
>>> print(ledger.to_markdown().splitlines()[0])
# Claim ledger
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from course.errors import InputError

__all__ = ["DEFAULT_FILE", "VERDICTS", "Entry", "Ledger", "claim_ids", "ledger_form"]

VERDICTS = ("supported", "mixed", "contradicted", "untestable with these data")
DEFAULT_FILE = "claim_ledger.json"
FORMAT_VERSION = 1


def claim_ids() -> list[str]:
    """The essay's claim ids from :mod:`course.claims` (``['C1', ..., 'C7']``)."""
    from course import claims

    return [claim.id for claim in claims.all_claims()]


def _claim_title(claim_id: str) -> str:
    try:
        from course import claims

        return claims.get(claim_id).title
    except Exception:  # noqa: BLE001 - a custom id simply has no registry title
        return ""


@dataclass
class Entry:
    """One claim's line in the ledger."""

    claim: str
    verdict: str = ""
    evidence: str = ""
    objection: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.claim, str) or not self.claim.strip():
            raise InputError("each ledger entry needs a claim id such as 'C3'")
        for name in ("verdict", "evidence", "objection"):
            value = getattr(self, name)
            if value is None:
                setattr(self, name, "")
            elif not isinstance(value, str):
                raise InputError(f"{name} for {self.claim} must be text, got "
                                 f"{type(value).__name__}")
        self.verdict = self.verdict.strip().lower()
        if self.verdict and self.verdict not in VERDICTS:
            raise InputError(f"verdict for {self.claim} must be one of {list(VERDICTS)}, "
                             f"got {self.verdict!r}")

    @property
    def complete(self) -> bool:
        """True once the entry has a verdict, evidence and an objection."""
        return bool(self.verdict and self.evidence.strip() and self.objection.strip())


class Ledger:
    """An ordered mapping claim id -> :class:`Entry`.

    Parameters
    ----------
    entries : iterable of Entry
    """

    def __init__(self, entries=()):
        self._entries: dict[str, Entry] = {}
        for entry in entries:
            if not isinstance(entry, Entry):
                raise InputError("a Ledger holds Entry objects")
            if entry.claim in self._entries:
                raise InputError(f"claim {entry.claim} appears twice in the ledger")
            self._entries[entry.claim] = entry

    @classmethod
    def blank(cls, ids=None) -> Ledger:
        """An empty ledger for the given claim ids (default: all the essay's claims)."""
        return cls(Entry(claim=i) for i in (claim_ids() if ids is None else ids))

    def __getitem__(self, claim_id: str) -> Entry:
        key = str(claim_id).strip().upper()
        if key not in self._entries:
            raise InputError(f"no claim {claim_id!r} in this ledger; it has "
                             f"{', '.join(self._entries)}")
        return self._entries[key]

    def __iter__(self):
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def __eq__(self, other) -> bool:
        return isinstance(other, Ledger) and self.to_dict() == other.to_dict()

    def set(self, claim_id: str, verdict: str, evidence: str = "", objection: str = "") -> Entry:
        """Record a verdict (checked against :data:`VERDICTS`), its evidence and objection."""
        old = self[claim_id]
        entry = Entry(old.claim, verdict, evidence, objection)
        self._entries[old.claim] = entry
        return entry

    @property
    def complete(self) -> bool:
        """True when every claim has a verdict, evidence and an objection."""
        return all(entry.complete for entry in self)

    # --- JSON ---------------------------------------------------------------------------

    def to_dict(self) -> dict:
        """A JSON-ready dict: ``{"format": 1, "entries": [...]}``."""
        return {"format": FORMAT_VERSION, "entries": [asdict(e) for e in self]}

    def to_json(self) -> str:
        """The ledger as a JSON string (UTF-8 text, indented)."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_dict(cls, payload: dict) -> Ledger:
        """Rebuild a ledger from :meth:`to_dict` output, checking every field."""
        if not isinstance(payload, dict) or not isinstance(payload.get("entries"), list):
            raise InputError("a saved ledger is a JSON object with an 'entries' list")
        if payload.get("format", FORMAT_VERSION) != FORMAT_VERSION:
            raise InputError(f"ledger format {payload.get('format')!r} is not supported "
                             f"(expected {FORMAT_VERSION})")
        entries = []
        for i, item in enumerate(payload["entries"]):
            if not isinstance(item, dict) or "claim" not in item:
                raise InputError(f"entry {i} of the saved ledger has no 'claim'")
            unknown = set(item) - {"claim", "verdict", "evidence", "objection"}
            if unknown:
                raise InputError(f"entry {i} has unknown field(s) {sorted(unknown)}")
            entries.append(Entry(**item))
        return cls(entries)

    @classmethod
    def from_json(cls, text: str) -> Ledger:
        """Rebuild a ledger from :meth:`to_json` text."""
        try:
            payload = json.loads(text)
        except (TypeError, json.JSONDecodeError) as error:
            raise InputError(f"the ledger is not valid JSON ({error})") from None
        return cls.from_dict(payload)

    def save(self, path: str | Path = DEFAULT_FILE) -> Path:
        """Write the ledger as JSON (default ``claim_ledger.json`` in the current folder)."""
        path = Path(path)
        path.write_text(self.to_json() + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path = DEFAULT_FILE) -> Ledger:
        """Read a ledger saved with :meth:`save`."""
        path = Path(path)
        if not path.is_file():
            raise InputError(f"no saved ledger at {path.name!r}; save one first with "
                             "ledger.save()")
        return cls.from_json(path.read_text(encoding="utf-8"))

    @classmethod
    def load_or_blank(cls, path: str | Path = DEFAULT_FILE) -> Ledger:
        """The saved ledger if the file exists, else a blank one for all claims."""
        return cls.load(path) if Path(path).is_file() else cls.blank()

    # --- Markdown -----------------------------------------------------------------------

    def to_markdown(self) -> str:
        """The ledger as Markdown: a summary table, then one section per claim."""
        def cell(text: str) -> str:
            return " ".join(text.split()).replace("|", "\\|") or "-"

        lines = ["# Claim ledger", "", "| claim | title | verdict |", "|---|---|---|"]
        for e in self:
            lines.append(f"| {e.claim} | {cell(_claim_title(e.claim))} | "
                         f"{cell(e.verdict or 'not yet decided')} |")
        for e in self:
            title = _claim_title(e.claim)
            lines += ["", f"## {e.claim}" + (f": {title}" if title else ""), "",
                      f"**Verdict:** {e.verdict or 'not yet decided'}", "",
                      f"**Evidence:** {e.evidence.strip() or '-'}", "",
                      f"**Strongest objection:** {e.objection.strip() or '-'}"]
        return "\n".join(lines) + "\n"

    def save_markdown(self, path: str | Path = "claim_ledger.md") -> Path:
        """Write :meth:`to_markdown` to a file (default ``claim_ledger.md``)."""
        path = Path(path)
        path.write_text(self.to_markdown(), encoding="utf-8")
        return path


def ledger_form(ledger: Ledger | None = None, path: str | Path = DEFAULT_FILE):
    """A thin ipywidgets form over a :class:`Ledger`: pick a claim, fill it in, save.

    Parameters
    ----------
    ledger : Ledger, optional
        Default: the ledger saved at ``path`` if it exists, else a blank one.
    path : path, default ``claim_ledger.json``
        Where "Save" writes the JSON (the Markdown goes beside it, ``.md``).

    Returns
    -------
    ipywidgets.VBox
        With attributes ``ledger``, ``controls`` (dict of the widgets) and ``save()``.
    """
    import ipywidgets as widgets

    ledger = Ledger.load_or_blank(path) if ledger is None else ledger
    ids = [e.claim for e in ledger]
    claim = widgets.Dropdown(options=[(f"{i} {_claim_title(i)}".strip(), i) for i in ids],
                             description="claim")
    verdict = widgets.Dropdown(options=[("(not yet decided)", "")] + [(v, v) for v in VERDICTS],
                               description="verdict")
    evidence = widgets.Textarea(description="evidence", placeholder="the number or chart "
                                "that decides it, and its source",
                                layout=widgets.Layout(width="95%", height="70px"))
    objection = widgets.Textarea(description="objection", placeholder="the strongest "
                                 "objection to your verdict",
                                 layout=widgets.Layout(width="95%", height="70px"))
    save_button = widgets.Button(description="Save ledger", button_style="primary")
    status = widgets.HTML()
    loading = {"busy": False}

    def show(_=None):
        loading["busy"] = True
        entry = ledger[claim.value]
        verdict.value, evidence.value, objection.value = (entry.verdict, entry.evidence,
                                                          entry.objection)
        loading["busy"] = False

    def store(_=None):
        if loading["busy"]:
            return
        ledger.set(claim.value, verdict.value, evidence.value, objection.value)
        done = sum(e.complete for e in ledger)
        status.value = f"{done} of {len(ledger)} claims complete (not saved yet)"

    def save(_=None):
        store()
        json_path = ledger.save(path)
        ledger.save_markdown(Path(json_path).with_suffix(".md"))
        status.value = (f"Saved {Path(json_path).name} and "
                        f"{Path(json_path).with_suffix('.md').name}.")
        return json_path

    claim.observe(show, names="value")
    for control in (verdict, evidence, objection):
        control.observe(store, names="value")
    save_button.on_click(save)
    show()
    from course.widgets.base import readable

    form = readable(widgets.VBox([claim, verdict, evidence, objection,
                                  widgets.HBox([save_button, status])]), [claim, verdict])
    form.ledger = ledger
    form.controls = {"claim": claim, "verdict": verdict, "evidence": evidence,
                     "objection": objection, "save": save_button}
    form.save = save
    return form
