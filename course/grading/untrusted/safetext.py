r"""Text from students made safe to write and to show: the one place for it.

Everything a student controls can reach a file the grader writes: a written answer, an
exception's message, a file or folder name. Some of it cannot be encoded at all — a lone
UTF-16 surrogate (``"\ud800"``, half an emoji) is a valid Python ``str`` that UTF-8
refuses, and a file name that is not valid UTF-8 reaches Python as such surrogates
(``os.fsdecode``) — and some of it is hard to see: zero-width spaces and right-to-left
overrides make two different ids look the same. This module has no imports from the
rest of the grader, so every stage (the trust boundary, the gradebook, the report, the
LMS files, the Gradescope results) can use it:

* :func:`encodable` turns whatever cannot be written as UTF-8 into a visible escape
  (``\ud800`` becomes the six characters ``\ud800``); :data:`WRITE_ERRORS` is the
  error handler every writer opens its files with, so a string that slipped through is
  escaped rather than fatal;
* :func:`shown_name` shows a file name, given as bytes or as ``os.fsdecode`` made it,
  with its undecodable bytes escaped (``caf\xe9``);
* :func:`visible` also escapes invisible and direction-changing characters, for flags,
  logs and messages where an instructor must see exactly what an id holds;
* :func:`lookalike_key` is what two ids that look alike have in common.

Examples
--------
>>> encodable("ok \ud800 done")
'ok \\ud800 done'
>>> shown_name(b"caf\xe9")
'caf\\xe9'
>>> visible("jdoe42\u200b")
'jdoe42\\u200b'
>>> lookalike_key("JDoe42 ") == lookalike_key("jdoe\u200b42")
True
"""

from __future__ import annotations

import os
import re
import unicodedata

__all__ = ["WRITE_ERRORS", "encodable", "lookalike_key", "shown_name", "visible"]

#: The error handler every writer of student text opens its files with.
WRITE_ERRORS = "backslashreplace"

_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Characters that change nothing visible or change the direction of what follows:
# zero-width ones, bidi embeddings, overrides and isolates, marks, soft hyphen, BOM.
_INVISIBLE = re.compile(r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
                        r"\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f"
                        r"\ufeff\uffa0]")
_EDGE_SPACE = re.compile(r"^\s+|\s+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _escape(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def encodable(text: str) -> str:
    r"""``text`` with every lone surrogate written as a visible ``\udXXX`` escape.

    The result encodes as UTF-8; text without surrogates comes back unchanged (the same
    object), so this is cheap to call on everything written.

    Examples
    --------
    >>> encodable("\ud83d\ude00 is half of an emoji twice").encode("utf-8")
    b'\\ud83d\\ude00 is half of an emoji twice'
    """
    if type(text) is not str:
        text = str(text)
    if not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(_escape, text)


def shown_name(name: str | bytes | os.PathLike) -> str:
    r"""A file or folder name as text: undecodable bytes and control characters (a line
    break, a terminal escape) shown as ``\xNN``.

    ``name`` is bytes, or a ``str`` (or path) as the file system gave it to Python,
    whose undecodable bytes are lone surrogates (``os.fsdecode``'s ``surrogateescape``).

    Examples
    --------
    >>> import os
    >>> shown_name(os.fsdecode(b"s\xff01")), shown_name("Müller, Anna"), shown_name("a\rb")
    ('s\\xff01', 'Müller, Anna', 'a\\x0db')
    """
    raw = os.fsencode(name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = encodable(raw.decode("utf-8", "backslashreplace"))
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def visible(text: str) -> str:
    r"""``text`` with what cannot be seen made visible: lone surrogates, invisible and
    direction-changing characters escaped, and spaces at either end shown as ``\x20``.

    Examples
    --------
    >>> visible("s\u202e24eodj"), visible("jdoe42 ")
    ('s\\u202e24eodj', 'jdoe42\\x20')
    """
    text = _INVISIBLE.sub(_escape, encodable(text))
    return _EDGE_SPACE.sub(lambda m: "".join(f"\\x{ord(c):02x}" if ord(c) < 0x100
                                             else f"\\u{ord(c):04x}" for c in m.group()),
                           text)


def lookalike_key(text: str) -> str:
    """What an id looks like: NFKC, case folded, without invisible characters, and with
    spacing trimmed and collapsed. Two different ids with the same key look alike.

    Examples
    --------
    >>> lookalike_key("Müller, Anna") == lookalike_key("Möller, Anna")
    False
    """
    text = _INVISIBLE.sub("", encodable(text))
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split())
