"""Show a pitfall happen: catch the error or warning, print it, and insist it happened.

Lessons demonstrate each pitfall by running it.  ``expect`` prints the
error or warning in one clean line (no tracebacks, no machine paths), and
fails loudly if nothing went wrong — so when a future torch release fixes
a pitfall, the lesson that teaches it stops passing CI instead of quietly
teaching something false.
"""
from __future__ import annotations

import contextlib
import re
import warnings


def _first_line(message) -> str:
    """The first line of a message, with memory addresses removed (they change every run)."""
    if isinstance(message, KeyError) and message.args:
        message = message.args[0]  # str(KeyError) is a repr, quotes and escaped newlines included
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", str(message)).strip()
    return text.splitlines()[0] if text else ""


@contextlib.contextmanager
def expect(*kinds: type, match: str | None = None):
    """Run the block, expecting one of ``kinds`` (exceptions or warning categories) to occur.

    Prints ``Kind: first line of the message`` for what occurred and
    swallows it.  Raises ``AssertionError`` if nothing of the kind occurred,
    or if ``match`` is given and is not in the message.

    Example::

        >>> with expect(ZeroDivisionError):
        ...     1 / 0
        ZeroDivisionError: division by zero
    """
    if not kinds or not all(isinstance(k, type) and issubclass(k, BaseException) for k in kinds):
        raise TypeError(f"kinds must be one or more exception or warning classes, got {kinds!r}")
    warning_kinds = tuple(k for k in kinds if issubclass(k, Warning))
    error_kinds = tuple(k for k in kinds if not issubclass(k, Warning)) or ()
    seen: list[tuple[str, str]] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        except error_kinds as error:
            seen.append((type(error).__name__, _first_line(error)))
    for w in caught:
        if warning_kinds and issubclass(w.category, warning_kinds):
            seen.append((w.category.__name__, _first_line(w.message)))
        else:
            # An unexpected warning is re-issued, so it is not hidden by the demonstration.
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    names = " or ".join(k.__name__ for k in kinds)
    if not seen:
        raise AssertionError(f"expected {names}, but nothing was raised or warned")
    for kind, message in dict.fromkeys(seen):  # the same warning twice is printed once
        if match is not None and match not in message:
            raise AssertionError(f"expected {names} mentioning {match!r}, got {kind}: {message}")
        print(f"{kind}: {message}")
