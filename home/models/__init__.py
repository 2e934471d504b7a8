"""Public content pages. One module per content area."""

from .leaflet import LeafletPage
from .notices import NoticeIndexPage, NoticePage
from .pages import HomePage, StandardPage
from .policies import PolicyAttachment, PolicyDocumentPage, PolicyIndexPage, PolicyRelation
from .videos import VideoIndexPage, VideoPage

__all__ = [
    "HomePage",
    "LeafletPage",
    "NoticeIndexPage",
    "NoticePage",
    "PolicyAttachment",
    "PolicyDocumentPage",
    "PolicyIndexPage",
    "PolicyRelation",
    "StandardPage",
    "VideoIndexPage",
    "VideoPage",
]
