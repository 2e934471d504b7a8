"""StreamField blocks shared by the content pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock
from wagtail.rich_text import get_text_for_indexing

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("heading"), max_length=120)

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "home/blocks/heading.html"


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=120, required=False)
    text = blocks.RichTextBlock(label=_("text"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "home/blocks/callout.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"), max_length=200)
    answer = blocks.RichTextBlock(label=_("answer"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = _("Question and answer")
        template = "home/blocks/question.html"


class ContentStreamBlock(blocks.StreamBlock):
    """The general body of a content page."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(label=_("Paragraph"), features=RICH_TEXT_FEATURES)
    callout = CalloutBlock()
    question = QuestionBlock()
    image = ImageBlock(label=_("Image"))
    document = DocumentChooserBlock(label=_("Document"), template="home/blocks/document.html")

    class Meta:
        template = "home/blocks/stream.html"


def stream_plain_text(stream_value):
    """Plain text of a StreamField value, for the search index and result snippets.

    Walks the stored JSON with the block definitions instead of the Python
    values, so chooser blocks (images, documents) cost no database query and a
    page of search results stays at a fixed number of queries. Rich text keeps
    a space between paragraphs and has its HTML entities decoded.
    """
    parts = []

    def walk(block, raw):
        if not raw:
            return
        if isinstance(block, blocks.RichTextBlock):
            parts.append(get_text_for_indexing(raw))
        elif isinstance(block, (blocks.CharBlock, blocks.TextBlock)):
            parts.append(raw)
        elif isinstance(block, blocks.StructBlock) and isinstance(raw, dict):
            for name, child in block.child_blocks.items():
                walk(child, raw.get(name))
        elif isinstance(block, blocks.ListBlock):
            for item in raw:
                # Stored as {"type": "item", "value": ..., "id": ...}, or bare values before Wagtail 2.16.
                is_wrapped = isinstance(item, dict) and item.get("type") == "item" and "value" in item
                walk(block.child_block, item["value"] if is_wrapped else item)
        elif isinstance(block, blocks.StreamBlock):
            for item in raw:
                walk(block.child_blocks.get(item.get("type")), item.get("value"))

    if stream_value:
        walk(stream_value.stream_block, list(stream_value.raw_data))
    return " ".join(part.strip() for part in parts if part and part.strip())
