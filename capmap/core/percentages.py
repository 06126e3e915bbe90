"""The one rule for showing a percentage: from fewer than five, it says it is too few to rely on.

Every page and report that shows a share (a response rate, how many agree, a completion
rate) writes it with `share_text`, so a single answer never reads as a confident "100%".
"""

from __future__ import annotations

# Below this many answers (or people) a percentage is too few to rely on.
SMALL_NUMBER = 5
NONE_YET = "None yet"


def percent(part: int, whole: int) -> int:
    """The whole-number percentage, 0 when there is nothing to divide by."""
    return round(100 * part / whole) if whole else 0


def is_too_few(whole: int) -> bool:
    """True for a percentage of fewer than SMALL_NUMBER answers (but some)."""
    return 0 < whole < SMALL_NUMBER


def share_text(part: int, whole: int, *, noun: tuple[str, str] = ("answer", "answers")) -> str:
    """ "60%"; "100% (from 1 answer — too few to rely on)"; "None yet" when there are none.

    `noun` is the singular and plural of what was counted ("answer", "answers";
    "person placed", "people placed").
    """
    if not whole:
        return NONE_YET
    value = f"{percent(part, whole)}%"
    warning = small_number_warning(whole, noun=noun)
    return f"{value} ({warning})" if warning else value


def small_number_warning(whole: int, *, noun: tuple[str, str] = ("answer", "answers")) -> str:
    """ "from 1 answer — too few to rely on" below five; "" otherwise. For sentences that
    place the percentage themselves."""
    if not is_too_few(whole):
        return ""
    counted = noun[0] if whole == 1 else noun[1]
    return f"from {whole} {counted} — too few to rely on"
