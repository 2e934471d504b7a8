"""Demo content: safety-education videos (宣教片).

The video files, posters and captions are in assets/videos/ (made by
assets/videos/build.py). Media and images are found by title, so loading
twice uploads nothing twice; pages are only added when missing.
"""

import struct
from pathlib import Path

from django.core.files import File
from wagtail.images import get_image_model
from wagtailmedia.models import get_media_model

from home.models import VideoIndexPage, VideoPage
from home.models.videos import VideoTopic

from .site import ensure_child

ASSETS = Path(__file__).resolve().parent / "assets" / "videos"
WIDTH, HEIGHT = 640, 360

# (asset name, slug, title, topic, featured, summary)
VIDEOS = [
    (
        "fall",
        "fall-prevention",
        "防范高处坠落",
        VideoTopic.FALL,
        True,
        "高处坠落（高坠）是湖里区小散工程和零星作业最主要的事故类型。本片讲解安全带、临边洞口防护和空调外机安装的安全要点。",
    ),
    (
        "electricity",
        "temporary-electricity",
        "施工临时用电安全",
        VideoTopic.ELECTROCUTION,
        True,
        "装修和小型施工离不开临时用电。本片讲解“一机一闸一漏保”、电线保护和持证电工接线等防触电要点。",
    ),
    (
        "fire",
        "hot-work-fire-safety",
        "动火作业消防安全",
        VideoTopic.FIRE,
        False,
        "电焊、气割和切割打磨容易引发火灾。本片讲解动火前清理可燃物、配备灭火器和专人监护、收工检查火种等要点。",
    ),
]


def mp4_duration(path):
    """Seconds, read from the MP4 movie header (moov/mvhd), so the stored
    duration always matches the file even after the assets are rebuilt."""
    with open(path, "rb") as fh:
        data = fh.read()

    def boxes(start, end):
        while start + 8 <= end:
            size, kind = struct.unpack(">I4s", data[start : start + 8])
            header = 8
            if size == 1:
                size, header = struct.unpack(">Q", data[start + 8 : start + 16])[0], 16
            elif size == 0:
                size = end - start
            if size < header:
                return
            yield kind, start + header, start + size
            start += size

    for kind, body, end in boxes(0, len(data)):
        if kind == b"moov":
            for inner, mvhd, _end in boxes(body, end):
                if inner == b"mvhd":
                    if data[mvhd] == 1:
                        timescale, duration = struct.unpack(">IQ", data[mvhd + 20 : mvhd + 32])
                    else:
                        timescale, duration = struct.unpack(">II", data[mvhd + 12 : mvhd + 20])
                    return duration / timescale
    raise ValueError(f"{path} has no MP4 movie header")


def _media(title, name):
    Media = get_media_model()
    media = Media.objects.filter(title=title).first()
    if media is not None:
        return media, False
    path = ASSETS / f"{name}.mp4"
    media = Media(title=title, type="video", duration=round(mp4_duration(path), 2), width=WIDTH, height=HEIGHT)
    with path.open("rb") as fh:
        media.file.save(path.name, File(fh), save=False)
    media.save()
    return media, True


def _image(title, name):
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is not None:
        return image, False
    path = ASSETS / f"{name}.jpg"
    image = Image(title=title)
    with path.open("rb") as fh:
        image.file.save(path.name, File(fh), save=False)
    image.save()
    return image, True


def load(home):
    report = []
    index, created = ensure_child(
        home,
        VideoIndexPage,
        "videos",
        title="安全宣教视频",
        show_in_menus=True,
        intro="<p>面向建设单位、施工单位、作业人员和居民的安全宣教短片，均配有中文字幕和文字稿，可按事故类型筛选。</p>",
    )
    if created:
        report.append("Video index created")
    for name, slug, title, topic, featured, summary in VIDEOS:
        media, media_created = _media(f"宣教片：{title}", name)
        poster, poster_created = _image(f"宣教片封面：{title}", name)
        if media_created or poster_created:
            report.append(f"Video files added: {title}")
        captions = (ASSETS / f"{name}.vtt").read_text(encoding="utf-8")
        _page, created = ensure_child(
            index,
            VideoPage,
            slug,
            title=title,
            topic=topic,
            summary=summary,
            video=media,
            poster=poster,
            captions=captions,
            featured=featured,
        )
        if created:
            report.append(f"Video created: {title}")
    return report
