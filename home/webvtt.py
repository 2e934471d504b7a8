"""A small WebVTT reader: enough to validate an editor's captions and to build
a plain-text transcript from them.

It follows the parts of the W3C WebVTT syntax that captions use: the WEBVTT
header, NOTE/STYLE/REGION blocks (skipped), optional cue identifiers, the
timing line with optional cue settings, and the cue text. Errors name the
line so an editor can find the mistake in the admin.
"""

import html
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

_TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIMESTAMP}[ \t]+-->[ \t]+{_TIMESTAMP}(?:[ \t]+.*)?$")
_TAG = re.compile(r"<[^>]*>")
_SKIPPED_BLOCK = re.compile(r"^(?:NOTE|STYLE|REGION)(?:[ \t]|$)")


class WebVTTError(ValueError):
    """The text is not valid WebVTT; the message says where and why."""


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str  # the cue payload, may hold WebVTT tags such as <v Speaker>

    @property
    def plain_text(self):
        """The words only: tags removed, entities decoded, lines joined."""
        lines = (html.unescape(_TAG.sub("", line)).strip() for line in self.text.splitlines())
        return " ".join(line for line in lines if line)


def _seconds(hours, minutes, seconds, millis):
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _blocks(lines):
    """Yield (first line number, lines) for each run of non-blank lines."""
    block, start = [], 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def parse(text):
    """Return the cues of a WebVTT document, or raise WebVTTError."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    first = lines[0] if lines else ""
    if not (first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise WebVTTError(_("The captions must start with the line WEBVTT."))
    blocks = list(_blocks(lines))
    header_start, header = blocks[0]
    for offset, line in enumerate(header):
        if "-->" in line:  # browsers ignore a cue that is not preceded by a blank line
            raise WebVTTError(
                _("Line %(line)d: leave a blank line between the WEBVTT line and the first cue.")
                % {"line": header_start + offset}
            )
    cues = []
    for line_number, block in blocks[1:]:
        if _SKIPPED_BLOCK.match(block[0]):
            continue
        # The timing line comes first, or second after a cue identifier.
        timing_index = next((i for i, line in enumerate(block[:2]) if "-->" in line), None)
        if timing_index is None:
            raise WebVTTError(
                _("Line %(line)d: this cue has no timing line such as 00:01.000 --> 00:04.000.") % {"line": line_number}
            )
        match = _TIMING.match(block[timing_index].strip())
        if not match:
            raise WebVTTError(
                _("Line %(line)d: the timing must look like 00:01.000 --> 00:04.000 (minutes:seconds.milliseconds).")
                % {"line": line_number + timing_index}
            )
        start, end = _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:])
        if end <= start:
            raise WebVTTError(
                _("Line %(line)d: the cue must end after it starts.") % {"line": line_number + timing_index}
            )
        payload = "\n".join(block[timing_index + 1 :])
        if not payload.strip():
            raise WebVTTError(_("Line %(line)d: the cue has no text.") % {"line": line_number + timing_index})
        cues.append(Cue(start, end, payload))
    if not cues:
        raise WebVTTError(_("The captions contain no cues."))
    return cues
