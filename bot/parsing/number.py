"""Numbers as people type them, read in the metric's unit: one parser for every surface.

``parse_amount(text, unit=...)`` returns an ``Amount`` (the value, in the metric's unit), an
``Ambiguous`` (two readings; ask which was meant, never guess) or a ``NotANumber`` (with the
reason, fit to show the person). ``/goal update``, typed check-in replies, the check-in modal
and plan files all use it.

The rules, in the order they apply:

1. **Spaces and signs.** Surrounding spaces are ignored. One sign may lead, before or after a
   currency symbol: ``-5``, ``+5``, ``\u22125`` (a Unicode minus, U+2212), ``-$5``, ``$-5``.
2. **Marks.** A currency symbol (``$ € £ ¥ ₹``) may lead or trail (``$5``, ``5 €``); a scale
   letter may trail: ``k``/``K`` (thousand), ``M`` or ``m`` (million), ``B``/``b``/``bn``
   (billion); ``%`` may trail. At most one of each.
3. **Exponents.** ``1e3``, ``2.5E-2``: plain digits only, no group separators.
4. **Group separators.** A space (also no-break and thin spaces), ``'`` (Swiss; also its
   typographic form, U+2019), ``_``, and ``.`` or ``,`` as below, separate groups of exactly
   three digits after a first group of one to three (``1 000``, ``1'000``, ``1_000``,
   ``1.000.000``); commas may also group the Indian way (``1,00,000``). Groups in odd
   places are refused, never guessed.
5. **Decimal separator.** When both ``.`` and ``,`` appear, the one that comes last, once, is
   the decimal separator and the other groups (``1.500,25`` and ``1,500.25`` are 1500.25).
   A lone ``.`` is the decimal point (``1.5``; ``1.500`` is 1.5). Several commas, or several
   dots, are group separators.
6. **A single comma** is the hard case:
   - exactly three digits after it and a first group of one to three digits not starting
     with 0 → a thousands separator (``1,000`` is 1000, ``12,500`` is 12500);
   - the text decides it is a decimal comma when a group separator is also there
     (``1 000,5``), when the part before it starts with 0 (``0,5``) or is four digits or
     more (``1234,5``), or when nothing comes before it (``,5``);
   - otherwise it is **ambiguous** (``1,5`` could be 1.5 or 15; ``12,50`` 12.5 or 1250): the
     result carries both readings and the message asks the person to type one.
7. **The metric's unit.** A unit may name a scale (``$M``, ``M$``, ``$k``, ``k users``,
   ``million``): an amount typed with a scale letter is converted into it (``$1.2M`` is
   1_200_000 in a ``$`` metric and 1.2 in a ``$M`` metric; ``500k`` is 0.5 in ``$M``); a
   number typed without one is already in the unit (``1.2`` in ``$M`` is 1.2). ``15%`` is 15
   (a ``%`` metric stores percentage points). A mark that contradicts a known unit is
   refused: ``€5`` in a ``$`` metric, ``15%`` in a ``$`` metric. Without a unit, marks are
   read as written (``$1.2M`` is 1_200_000, ``15%`` is 15).
8. **Garbage** (``abc``, ``5x``, ``1..5``, ``--5``, ``1,00,0``, ``inf``, empty) is a
   ``NotANumber`` saying what is wrong, e.g. "`abc` is not a number".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MAX_SHOWN = 40
_MINUS = {"\u2212": "-", "\u2013": "-", "\ufe63": "-", "\uff0d": "-"}
_GROUP_MARKS = " '\u2019_"
_SPACES = ("\u00a0", "\u202f", "\u2009", " ")
_CURRENCIES = "$€£¥₹"
_CURRENCY_WORDS = {
    "usd": "$",
    "dollar": "$",
    "dollars": "$",
    "eur": "€",
    "euro": "€",
    "euros": "€",
    "gbp": "£",
    "pound": "£",
    "pounds": "£",
    "jpy": "¥",
    "yen": "¥",
    "inr": "₹",
    "rupees": "₹",
}
_SCALES = {"k": 1e3, "K": 1e3, "M": 1e6, "m": 1e6, "B": 1e9, "b": 1e9, "bn": 1e9}
_SCALE_WORDS = {
    "thousand": 1e3,
    "thousands": 1e3,
    "k": 1e3,
    "K": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "mn": 1e6,
    "M": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
}
_MARKS = re.compile(
    r"^(?P<sign1>[-+]?)\s*(?P<cur1>[$€£¥₹]?)\s*(?P<sign2>[-+]?)"
    r"(?P<body>\d*\.?\d+[eE][-+]?\d+|\d+\.[eE][-+]?\d+|[0-9.,'\u2019_ ]*[0-9][0-9.,'\u2019_ ]*)"
    r"\s*(?P<scale>bn|[kKmMbB]?)\s*(?P<cur2>[$€£¥₹]?)\s*(?P<pct>%?)$"
)
_EXPONENT = re.compile(r"^\d+(?:\.\d*)?[eE][-+]?\d+$|^\.\d+[eE][-+]?\d+$")
_PLAIN = re.compile(r"^(\d+)(?:\.(\d*))?$|^\.(\d+)$")
_GROUPED = re.compile(r"^[1-9]\d{0,2}(?:[G]\d{3})+$")
_INDIAN = re.compile(r"^[1-9]\d?(?:,\d{2})+,\d{3}$")


@dataclass(frozen=True)
class Amount:
    """A number understood: its value in the metric's unit."""

    value: float
    text: str


@dataclass(frozen=True)
class Ambiguous:
    """A number with two readings (``1,5``: 1.5 or 15); ask the person which they meant."""

    text: str
    readings: tuple[float, float]

    @property
    def message(self) -> str:
        """``"`1,5` could be 1.5 or 15: type 1.5 or 15"``."""
        first, second = (plain(reading) for reading in self.readings)
        return f"{shown(self.text)} could be {first} or {second}: type {first} or {second}"


@dataclass(frozen=True)
class NotANumber:
    """Text that is not a number, and why."""

    text: str
    reason: str

    @property
    def message(self) -> str:
        """``"`abc` is not a number"``: the text, then the reason."""
        return f"{shown(self.text)} {self.reason}"


Parsed = Amount | Ambiguous | NotANumber


def parse_amount(text: str, *, unit: str | None = None) -> Parsed:
    """Read ``text`` as a number in a metric of ``unit`` (see the module's rules)."""
    raw = text.strip()
    cleaned = raw
    for dash, minus in _MINUS.items():
        cleaned = cleaned.replace(dash, minus)
    for space in _SPACES:
        cleaned = cleaned.replace(space, " ")
    if not cleaned:
        return NotANumber(raw, "is empty: type a number like 42 or 12.5")
    match = _MARKS.match(cleaned)
    if match is None:
        return NotANumber(raw, _garbage_reason(cleaned))
    if match["sign1"] and match["sign2"]:
        return NotANumber(raw, "has two signs: type one, like -5")
    if match["cur1"] and match["cur2"]:
        return NotANumber(raw, "has two currency symbols: type one, like $5")
    negative = (match["sign1"] or match["sign2"]) == "-"
    readings = _read_body(match["body"].strip())
    if isinstance(readings, str):
        return NotANumber(raw, readings)
    currency = match["cur1"] or match["cur2"] or None
    percent = bool(match["pct"])
    typed_scale = _SCALES[match["scale"]] if match["scale"] else None
    refused = _contradiction(currency, percent, unit)
    if refused:
        return NotANumber(raw, refused)
    values = tuple(_in_unit(reading, typed_scale, unit, negative) for reading in readings)
    if any(not math.isfinite(value) for value in values):
        return NotANumber(raw, "is too large to be a number goalbot can store")
    if len(values) == 2:
        return Ambiguous(raw, (values[0], values[1]))
    return Amount(values[0], raw)


def unit_scale(unit: str | None) -> float:
    """The scale a metric's unit names: ``$M`` → 1e6, ``$k`` → 1e3, ``%`` or ``$`` → 1."""
    words = (unit or "").split()
    if not words:
        return 1.0
    letters = words[0].strip(_CURRENCIES)
    if letters in _SCALE_WORDS:  # "$M", "M$", "€k", "k users", "million"
        return _SCALE_WORDS[letters]
    if letters != words[0] and letters in _SCALES:  # "$m", "$B": with a currency only
        return _SCALES[letters]
    for word in words[1:]:  # "$ millions"
        if word.lower() in _SCALE_WORDS:
            return _SCALE_WORDS[word.lower()]
    return 1.0


def unit_currency(unit: str | None) -> str | None:
    """The currency a metric's unit is in (``$M`` → ``$``, ``EUR`` → ``€``), if any."""
    if not unit:
        return None
    symbols = {char for char in unit if char in _CURRENCIES}
    if len(symbols) == 1:
        return symbols.pop()
    words = {_CURRENCY_WORDS.get(word.lower()) for word in re.split(r"[\s/]+", unit)}
    words.discard(None)
    return words.pop() if len(words) == 1 else None


def plain(value: float) -> str:
    """A number written plainly, as a person would type it: ``1.5``, ``15``, ``1500000``."""
    if float(value).is_integer() and abs(value) < 1e18:
        return str(int(value))
    text = f"{value:.12f}".rstrip("0").rstrip(".")
    return text if text not in {"", "-0"} else repr(value)


def shown(text: str) -> str:
    """Typed text as a message repeats it: in backticks, cut short."""
    cleaned = text.replace("`", "'")
    if len(cleaned) > MAX_SHOWN:
        cleaned = cleaned[: MAX_SHOWN - 1] + "…"
    return f"`{cleaned}`"


def _read_body(body: str) -> tuple[float] | tuple[float, float] | str:
    """The digits and separators: one reading, two (ambiguous), or why it is not a number."""
    odd = "has its separators in odd places: type it like 1000, 1,000 or 1000.5"
    if _EXPONENT.match(body):
        return (float(body),)
    grouping = {char for char in body if char in _GROUP_MARKS}
    if len(grouping) > 1:
        return odd
    dots, commas = body.count("."), body.count(",")
    if grouping:
        group = grouping.pop()
        if dots and commas:
            return odd
        decimal = "," if commas else "."
        whole, _, fraction = body.partition(decimal)
        if body.count(decimal) > 1 or not _is_grouped(whole, group):
            return odd
        return (_number(whole.replace(group, ""), fraction),)
    if dots and commas:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        group = "." if decimal == "," else ","
        whole, _, fraction = body.partition(decimal)
        if body.count(decimal) > 1 or group in fraction or not _is_grouped(whole, group):
            return odd
        return (_number(whole.replace(group, ""), fraction),)
    if dots > 1:
        return (_number(body.replace(".", ""), ""),) if _is_grouped(body, ".") else odd
    if commas > 1:
        if _is_grouped(body, ",") or _INDIAN.match(body):
            return (_number(body.replace(",", ""), ""),)
        return odd
    if commas == 1:
        return _single_comma(body, odd)
    match = _PLAIN.match(body)
    if match is None:
        return odd
    return (float(body),)


def _single_comma(body: str, odd: str) -> tuple[float] | tuple[float, float] | str:
    whole, _, fraction = body.partition(",")
    if not fraction.isdigit() or (whole and not whole.isdigit()):
        return odd
    if len(fraction) == 3 and _is_grouped(body, ","):
        return (float(whole + fraction),)
    if not whole or whole.startswith("0") or len(whole) > 3:
        return (_number(whole or "0", fraction),)
    return (_number(whole, fraction), float(whole + fraction))


def _is_grouped(whole: str, group: str) -> bool:
    """``1,000,000`` with ``group`` ``,``: a first group of 1-3 digits, then groups of 3."""
    return bool(_GROUPED.match(whole.replace(group, "G"))) if group in whole else whole.isdigit()


def _number(whole: str, fraction: str) -> float:
    return float(f"{whole or '0'}.{fraction or '0'}")


def _in_unit(reading: float, typed_scale: float | None, unit: str | None, negative: bool) -> float:
    value = reading if typed_scale is None else reading * typed_scale / unit_scale(unit)
    if typed_scale is not None:
        value = float(f"{value:.12g}")  # 1.2 * 1e6 is 1200000.0000000002 otherwise
    return -value if negative else value


def _contradiction(currency: str | None, percent: bool, unit: str | None) -> str | None:
    if not unit or not unit.strip():
        return None
    is_percent = "%" in unit or unit.strip().lower() in {"percent", "pct", "pp"}
    expected = unit_currency(unit)
    if percent and not is_percent:
        return f"is a percentage, but this metric is in {unit.strip()}: type the number alone"
    if currency and expected and currency != expected:
        return f"is in {currency}, but this metric is in {unit.strip()}"
    if currency and is_percent:
        return "is money, but this metric is a percentage: type the number alone"
    return None


def _garbage_reason(cleaned: str) -> str:
    if not any(char.isdigit() for char in cleaned):
        return "is not a number: type one like 42 or 12.5"
    if re.search(r"[-+]\s*[-+]", cleaned):
        return "has two signs: type one, like -5"
    suffix = re.search(r"\d\s*([^\d\s.,'\u2019_%$€£¥₹+-][^\s]*)\s*$", cleaned)
    if suffix:
        return (
            f"is not a number: `{suffix[1]}` is not a unit goalbot knows "
            "(use k, M, B, %, or a currency symbol)"
        )
    return "is not a number: type one like 42, 1,000 or 12.5"
