"""The Chinese font that every PDF the site writes embeds.

reportlab's built-in CID fonts (STSong-Light) are not embedded: a reader
without that font shows boxes or substitutes. WenQuanYi Micro Hei (Apache
2.0, home/fonts/, from Debian's fonts-wqy-microhei) is a TrueType font with
Chinese and Latin glyphs, so reportlab embeds the subset each PDF uses (tens
of kilobytes) and the PDF renders the same on any phone, printer or
computer, with no font served from elsewhere.
"""

import functools
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
FONT_NAME = "WenQuanYiMicroHei"


@functools.cache
def chinese_font():
    """The registered font's name (registered once per process)."""
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_FILE), subfontIndex=0))
    return FONT_NAME
