"""The weekly digest as Slack messages: the main post and, when it runs long, thread replies.

Exceptions come first. Every message stays within 50 blocks and carries a text fallback; what
does not fit the main post continues in its thread (at most ``MAX_PAGES`` messages in all).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.blocks.digest_lines import (
    KIND_TITLES,
    csf_line,
    exception_line,
    goal_line,
    headline_lines,
    mover_line,
    people_line,
    summary_text,
)
from bot.blocks.kit import Block, context, divider, header, pack_lines, section
from bot.blocks.limits import MESSAGE_BLOCKS, truncate
from bot.blocks.message import Message
from bot.blocks.text import escape, percent, plural, slack_date
from bot.domain.digest import Alignment, CsfSection, DigestContent, ExceptionGroup, Rhythm
from storage.repositories.digest_details import GoalLabel, PersonLabel

MAX_PAGES = 6
"""The main post and up to five thread replies."""

KEEP_WITH_NEXT = 3
"""A divider or header starts a section: it never ends a page without what follows it."""

PART_BLOCKS = 12
"""Blocks one list may take (its lines are already capped by the content)."""

SHOWN_NAMES = 30
"""Units named in the CSF warnings; the rest are counted."""

FOOTER = (
    "Numbers come from the goal tree and the recorded updates. "
    "`/goal show G-12` opens a goal; `/goal digest preview` shows this digest now."
)
_Part = list[Block]


@dataclass(frozen=True)
class DigestMessages:
    """The main post and the replies that continue it in its thread."""

    main: Message
    thread: tuple[Message, ...]

    @property
    def all(self) -> list[Message]:
        """Every message, the main post first."""
        return [self.main, *self.thread]


def digest_messages(
    content: DigestContent,
    labels: Mapping[int, GoalLabel],
    people: Mapping[int, PersonLabel],
) -> DigestMessages:
    """The digest as messages, exceptions first, each within Slack's limits."""
    parts = [
        _top(content),
        _exceptions(content.exceptions, labels),
        _csfs(content.csfs, content.periods),
        _alignment(content.alignment, labels),
        _rhythm(content.rhythm, people),
        _movers(content, labels),
        [divider(), context(FOOTER)],
    ]
    pages = _pages(parts)
    text = summary_text(content.scope_name, content.week_key, content.headline)
    main = Message(text=truncate(text, 3000), blocks=pages[0])
    thread = tuple(
        Message(
            text=f"Weekly digest of {content.scope_name}, {content.week_key}, "
            f"continued ({number} of {len(pages)})",
            blocks=page,
        )
        for number, page in enumerate(pages[1:], start=2)
    )
    return DigestMessages(main, thread)


def digest_preview_message(messages: DigestMessages) -> Message:
    """The digest's main post as ``/goal digest preview`` shows it (ephemeral, now)."""
    blocks = list(messages.main.blocks)
    if messages.thread:
        blocks = blocks[:-1]  # "Continued in the thread" leads nowhere in a preview
        more = plural(len(messages.thread), "more message")
        note = f"👀 Preview, only you see it. When posted, {more} and a chart follow in its thread."
    else:
        note = "👀 Preview, only you see it. When posted, a chart follows in its thread."
    return Message(text=f"Preview: {messages.main.text}", blocks=[*blocks, context(note)])


def _top(content: DigestContent) -> _Part:
    when = f"{content.week_key} · {' and '.join(content.periods)} · as of {slack_date(content.at)}"
    return [
        header(f"Weekly digest · {content.scope_name}"),
        context(when),
        section("\n".join(headline_lines(content.headline, content.rhythm.cycle))),
    ]


def _heading(text: str) -> Block:
    return section(f"*{text}*")


def _list(title: str, lines: Sequence[str], total: int, hint: str = "") -> _Part:
    more = total - len(lines)
    shown = [*lines, f"…and {more} more{f' ({hint})' if hint else ''}"] if more > 0 else lines
    return [_heading(title), *pack_lines(shown, max_blocks=PART_BLOCKS)]


def _exceptions(groups: Sequence[ExceptionGroup], labels: Mapping[int, GoalLabel]) -> _Part:
    blocks: _Part = [divider(), header("Exceptions")]
    found = [group for group in groups if group.total]
    if not found:
        return [
            *blocks,
            section("✅ Nothing off track, at risk, stale, losing confidence or blocked."),
        ]
    for group in found:
        lines = [exception_line(group.kind, item, labels) for item in group.items]
        title = f"{KIND_TITLES[group.kind]} ({group.total})"
        blocks += _list(title, lines, group.total, "see `/goal list`")
    return blocks


def _csfs(csfs: CsfSection, periods: Sequence[str]) -> _Part:
    blocks: _Part = [divider(), header("Critical success factors")]
    quarter = periods[0] if periods else ""
    for unit in csfs.units:
        lines = [csf_line(csf, quarter) for csf in unit.csfs]
        blocks.append(section("\n".join([f"*{escape(unit.unit_name)}*", *lines])))
    if csfs.total_units > len(csfs.units):
        more = csfs.total_units - len(csfs.units)
        blocks.append(
            context(f"…and {plural(more, 'more unit')} with CSFs (`/goal csf list UNIT`)")
        )
    if not csfs.total_units:
        blocks.append(section(f"No unit has named its CSFs for {' or '.join(periods)}."))
    if csfs.too_many:
        blocks.append(
            section(f"⚠️ *More than 3 CSFs* (focus is two or three): {_names(csfs.too_many)}")
        )
    if csfs.without:
        blocks.append(section(f"*No CSFs named:* {_names(csfs.without)}"))
    return blocks


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(escape(truncate(name, 60)) for name in names[:SHOWN_NAMES])
    more = len(names) - SHOWN_NAMES
    return shown + (f" …and {more} more" if more > 0 else "")


def _alignment(alignment: Alignment, labels: Mapping[int, GoalLabel]) -> _Part:
    blocks: _Part = [divider(), header("Alignment")]
    if alignment.alignable:
        share = percent(alignment.aligned / alignment.alignable)
        blocks.append(
            section(
                f"*{share}* of goals serve a company goal "
                f"({alignment.aligned} of {alignment.alignable})."
            )
        )
    else:
        blocks.append(section("Every goal here is a company goal."))
    if alignment.orphan_total:
        lines = [goal_line(line, labels) for line in alignment.orphans]
        blocks += _list(
            f"Orphans: no parent goal ({alignment.orphan_total})", lines, alignment.orphan_total
        )
    if alignment.unsupported_total:
        lines = [goal_line(line, labels) for line in alignment.unsupported]
        label = alignment.top_label[:1].upper() + alignment.top_label[1:]
        title = f"{label} nobody supports ({alignment.unsupported_total})"
        blocks += _list(title, lines, alignment.unsupported_total)
    return blocks


def _rhythm(rhythm: Rhythm, people: Mapping[int, PersonLabel]) -> _Part:
    answered = people_line(rhythm.answered, rhythm.answered_total, people) or "nobody"
    counted = f"({rhythm.answered_total} of {rhythm.expected})"
    first = f"*Updated a goal this {rhythm.cycle}* {counted}: {answered}"
    if rhythm.missed_total:
        missed = people_line(rhythm.missed_twice, rhythm.missed_total, people)
        second = f"*Missed two check-ins in a row* ({rhythm.missed_total}): {missed}"
    else:
        second = "Nobody missed two check-ins in a row."
    return [divider(), header("Rhythm"), section(first), section(second)]


def _movers(content: DigestContent, labels: Mapping[int, GoalLabel]) -> _Part:
    blocks: _Part = [divider(), header(f"Movers this {content.rhythm.cycle}")]
    lines = [mover_line(mover, labels) for mover in (*content.gains, *content.drops)]
    if not lines:
        return [*blocks, section("No goal's progress moved by a point or more.")]
    return [*blocks, *pack_lines(lines, max_blocks=PART_BLOCKS)]


def _pages(parts: Sequence[_Part]) -> list[list[Block]]:
    """Blocks laid out on pages of at most 50 (the main post keeps one to say the thread
    continues); a divider or header is kept with the two blocks after it."""
    blocks = [block for part in parts for block in part]
    pages: list[list[Block]] = [[]]
    for index, block in enumerate(blocks):
        room = (MESSAGE_BLOCKS - 1 if len(pages) == 1 else MESSAGE_BLOCKS) - len(pages[-1])
        keep = min(KEEP_WITH_NEXT if _opens(block) else 1, len(blocks) - index)
        if room < keep and pages[-1]:
            pages.append([])
        if not (block.get("type") == "divider" and not pages[-1]):
            pages[-1].append(block)
    if len(pages) > MAX_PAGES:
        last = pages[MAX_PAGES - 1]
        dropped = sum(len(page) for page in pages[MAX_PAGES:]) + len(last[MESSAGE_BLOCKS - 1 :])
        note = context(f"…{dropped} more blocks left out: `/goal list` shows every goal.")
        pages = [*pages[: MAX_PAGES - 1], [*last[: MESSAGE_BLOCKS - 1], note]]
    if len(pages) > 1:
        pages[0].append(context("Continued in the thread ↓"))
    return pages


def _opens(block: Block) -> bool:
    return block.get("type") in {"divider", "header"}
