"""Slack mrkdwn to HTML: formatting, references, links, and no way to inject markup."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from devkit.transcript.mrkdwn import mrkdwn_html, plain_html

NAMES = {"U1": "Ada Lovelace", "C9": "leadership"}


def html(text: str) -> str:
    return mrkdwn_html(text, lambda key: NAMES.get(key, key))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("*bold* and _italic_ and ~gone~", "<b>bold</b> and <i>italic</i> and <s>gone</s>"),
        ("snake_case_name stays", "snake_case_name stays"),
        ("2 * 3 * 4", "2 * 3 * 4"),
        ("run `goalbot *tick*`", "run <code>goalbot *tick*</code>"),
        ("```a\n*b*```", "<pre>a\n*b*</pre>"),
        ("line one\nline two", "line one<br>line two"),
        ("&gt; quoted\nafter", "<blockquote>quoted</blockquote>after"),
        ("done :white_check_mark:", "done ✅"),
        ("an :unknown_code:", "an :unknown_code:"),
    ],
)
def test_formatting(text: str, expected: str) -> None:
    assert html(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@U1> owns it", '<span class="mention">@Ada Lovelace</span> owns it'),
        ("<@U2|bob> too", '<span class="mention">@bob</span> too'),
        ("<#C9> and <#C7|general>", '<span class="mention">#leadership</span> and '),
        ("<!here> look", '<span class="mention">@here</span> look'),
        ("<!date^1799999999^{date}|Jan 15> due", "Jan 15 due"),
        ("*<@U1>* is bold", '<b><span class="mention">@Ada Lovelace</span></b> is bold'),
    ],
)
def test_references(text: str, expected: str) -> None:
    assert html(text).startswith(expected)


def test_links_are_kept_only_for_safe_schemes() -> None:
    assert html("<https://example.com/a?b=1&amp;c=2|the doc>") == (
        '<a href="https://example.com/a?b=1&amp;c=2" rel="noopener">the doc</a>'
    )
    assert html("<javascript:alert(1)|click>") == "click"
    assert html('<https://x.example/"onmouseover="alert(1)|x>') == "x"


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        '<img src=x onerror="alert(1)">',
        "*<b onclick=alert(1)>*",
        "\ue0000\ue001 a forged placeholder",
    ],
)
def test_message_text_cannot_inject_markup(text: str) -> None:
    out = html(text)
    assert markup_of(out) <= ALLOWED and "\ue000" not in out


ALLOWED = {("b", ()), ("span", ("class",)), ("br", ())}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: set[tuple[str, tuple[str, ...]]] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.add((tag, tuple(sorted(name for name, _ in attrs))))


def markup_of(fragment: str) -> set[tuple[str, tuple[str, ...]]]:
    """Every (tag, attribute names) the fragment really contains, as a browser parses it."""
    parser = _Tags()
    parser.feed(fragment)
    return parser.found


def test_slack_entities_are_read_then_escaped_again() -> None:
    assert html("Q&amp;A &lt;draft&gt;") == "Q&amp;A &lt;draft&gt;"
    assert plain_html('Tom & "Jerry" <b>\nnext') == "Tom &amp; &quot;Jerry&quot; &lt;b&gt;<br>next"
