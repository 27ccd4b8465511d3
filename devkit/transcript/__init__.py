"""An HTML transcript of a Slack stand-in's workspace, rendered like Slack, in one file.

    html = render_transcript(transcript_of(slack, title="goalbot demo"))

``render_transcript`` is pure (``model`` values in, a page out); ``transcript_of`` reads the
stand-in. The page has no scripts and no external resources: uploaded images are inlined as
data URIs, and every text is escaped, so message content cannot inject markup.
"""

from devkit.transcript.model import Conversation, Entry, Home, Person, StoredFile, Transcript
from devkit.transcript.page import render_transcript
from devkit.transcript.snapshot import transcript_of

__all__ = [
    "Conversation",
    "Entry",
    "Home",
    "Person",
    "StoredFile",
    "Transcript",
    "render_transcript",
    "transcript_of",
]
