"""Safety-education videos: page rules, topic filter, captions and transcript,
WebVTT parsing, demo assets and content, query counts, and playback in Chromium."""

import re

import pytest
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtailmedia.models import get_media_model

from home import webvtt
from home.demo import videos as demo_videos
from home.models import HomePage, VideoIndexPage, VideoPage
from home.models.videos import VideoTopic, format_duration, iso_duration

ASSETS = demo_videos.ASSETS
CAPTIONS = """WEBVTT

1
00:00:00.500 --> 00:00:03.000
系好安全带。

2
00:00:03.000 --> 00:00:06.000
<v 讲解员>临边要有</v>
<b>防护栏杆</b>。
"""


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads go to a fresh folder, so tests neither share nor leave files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def stored_assets(media_root):
    """One real MP4 and poster in storage; many Media/Image rows may point at them."""
    names = {}
    for kind, folder in (("mp4", "media"), ("jpg", "original_images")):
        with (ASSETS / f"fall.{kind}").open("rb") as fh:
            names[kind] = default_storage.save(f"{folder}/fall.{kind}", File(fh))
    return names


@pytest.fixture
def video_index(home_page):
    index = VideoIndexPage(title="安全宣教视频", slug="videos", show_in_menus=True)
    home_page.add_child(instance=index)
    return index


def add_video(index, stored_assets, number, topic=VideoTopic.FALL, duration=20.0, **fields):
    """A live video page with its own Media and Image rows (distinct rows, as
    in real use, so per-item queries would show in the query counts)."""
    media = get_media_model().objects.create(
        title=f"视频文件 {number}", file=stored_assets["mp4"], type="video", duration=duration, width=640, height=360
    )
    poster = get_image_model().objects.create(title=f"封面 {number}", file=stored_assets["jpg"], width=640, height=360)
    fields.setdefault("captions", CAPTIONS)
    page = VideoPage(
        title=f"宣教片{number}",
        slug=f"video-{number}",
        topic=topic,
        summary=f"第{number}个宣教片。",
        video=media,
        poster=poster,
        **fields,
    )
    index.add_child(instance=page)
    return page


def clear_caches():
    for cache in caches.all():
        cache.clear()


# --- page rules -------------------------------------------------------------------


@pytest.mark.django_db
def test_page_tree_rules(video_index):
    home = HomePage.objects.get()
    assert VideoIndexPage.can_exist_under(home)
    assert not VideoIndexPage.can_create_at(home), "only one video index"
    assert not VideoIndexPage.can_exist_under(Page.get_first_root_node())
    assert VideoPage.can_exist_under(video_index)
    assert not VideoPage.can_exist_under(home)
    assert VideoIndexPage.allowed_subpage_models() == [VideoPage]
    assert VideoPage.allowed_subpage_models() == []


# --- topic filter -----------------------------------------------------------------


@pytest.fixture
def three_topics(video_index, stored_assets):
    add_video(video_index, stored_assets, 1, VideoTopic.FALL)
    add_video(video_index, stored_assets, 2, VideoTopic.ELECTROCUTION)
    add_video(video_index, stored_assets, 3, VideoTopic.FALL)
    return video_index


def listed_titles(response):
    return re.findall(r'class="stretched-link" href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.mark.django_db
def test_index_lists_all_videos_with_poster_topic_and_duration(client, three_topics):
    response = client.get("/videos/")
    assert response.status_code == 200
    assert listed_titles(response) == ["宣教片1", "宣教片2", "宣教片3"]
    html = response.content.decode()
    assert html.count(".fill-640x360.") == 3, "a poster rendition per video"
    assert '<time datetime="PT20S">' in html
    assert str(VideoTopic.ELECTROCUTION.label) in html


@pytest.mark.django_db
def test_topic_filter(client, three_topics):
    response = client.get("/videos/", {"topic": "fall"})
    assert listed_titles(response) == ["宣教片1", "宣教片3"]
    assert response.context["topic"] == "fall"
    assert 'href="/videos/?topic=fall" aria-current="page"' in response.content.decode()
    # Only topics that have videos are offered, with their counts.
    assert [(t["value"], t["count"]) for t in response.context["topics"]] == [("fall", 2), ("electrocution", 1)]


@pytest.mark.django_db
@pytest.mark.parametrize("topic", ["bogus", "", "FALL", "<script>", "fall'"])
def test_unknown_topic_shows_everything(client, three_topics, topic):
    response = client.get("/videos/", {"topic": topic})
    assert response.status_code == 200
    assert response.context["topic"] == ""
    assert len(listed_titles(response)) == 3


@pytest.mark.django_db
def test_topic_without_videos_says_so(client, three_topics):
    response = client.get("/videos/", {"topic": "collapse"})
    assert response.status_code == 200
    assert listed_titles(response) == []
    assert 'href="/videos/?topic=collapse" aria-current="page"' in response.content.decode()


@pytest.mark.django_db
def test_drafts_are_not_listed(client, three_topics):
    VideoPage.objects.get(slug="video-2").unpublish()
    assert listed_titles(client.get("/videos/")) == ["宣教片1", "宣教片3"]


# --- the video page, captions and transcript --------------------------------------


@pytest.mark.django_db
def test_video_page_player(client, video_index, stored_assets):
    page = add_video(video_index, stored_assets, 1, duration=65.4)
    html = client.get(page.url).content.decode()
    video = re.search(r"<video[^>]*>", html).group()
    assert "controls" in video and 'preload="metadata"' in video
    assert re.search(r'poster="/media/images/fall[^"]*\.fill-640x360\.jpg"', video)
    assert f'<source src="{page.video.url}" type="video/mp4">' in html
    track = re.search(r"<track[^>]*>", html).group()
    assert 'kind="captions"' in track and 'srclang="zh-Hans"' in track and " default" in track
    assert f'src="{page.url}captions/"' in track
    assert '<time datetime="PT1M5S">' in html
    assert page.summary in html
    assert f'href="{page.video.url}" download' in html


@pytest.mark.django_db
def test_captions_route(client, video_index, stored_assets):
    page = add_video(video_index, stored_assets, 1)
    response = client.get(f"{page.url}captions/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    assert response.content.decode("utf-8") == CAPTIONS


@pytest.mark.django_db
def test_no_captions_no_track(client, video_index, stored_assets):
    page = add_video(video_index, stored_assets, 1, captions="")
    assert client.get(f"{page.url}captions/").status_code == 404
    assert "<track" not in client.get(page.url).content.decode()


@pytest.mark.django_db
def test_transcript_is_built_from_captions(client, video_index, stored_assets):
    page = add_video(video_index, stored_assets, 1)
    assert page.transcript_paragraphs() == ["系好安全带。", "临边要有 防护栏杆。"]
    html = client.get(page.url).content.decode()
    assert "<p>系好安全带。</p><p>临边要有 防护栏杆。</p>" in html


@pytest.mark.django_db
def test_written_transcript_wins(client, video_index, stored_assets):
    page = add_video(video_index, stored_assets, 1, transcript="<p>编辑撰写的文字稿。</p>")
    html = client.get(page.url).content.decode()
    assert "编辑撰写的文字稿。" in html
    assert "<p>系好安全带。</p>" not in html


@pytest.mark.django_db
def test_clean_refuses_broken_captions(video_index, stored_assets):
    page = add_video(video_index, stored_assets, 1)
    page.captions = "WEBVTT\n\n00:00:01.000 --> 00:00:00.500\n倒过来的时间\n"
    with pytest.raises(ValidationError) as error, translation.override("en"):
        page.clean()
    assert error.value.message_dict["captions"] == ["Line 3: the cue must end after it starts."]


@pytest.mark.django_db
def test_clean_refuses_captions_longer_than_the_video(video_index, stored_assets):
    page = add_video(video_index, stored_assets, 1)
    page.video.duration = 5.0  # the captions end at 6 s
    with pytest.raises(ValidationError) as error, translation.override("en"):
        page.clean()
    assert "after the video ends" in error.value.message_dict["captions"][0]


@pytest.mark.django_db
def test_clean_accepts_good_or_no_captions(video_index, stored_assets):
    page = add_video(video_index, stored_assets, 1)
    page.clean()
    page.captions = ""
    page.clean()


@pytest.mark.django_db
def test_broken_captions_in_the_database_do_not_break_the_page(client, video_index, stored_assets):
    page = add_video(video_index, stored_assets, 1)
    VideoPage.objects.filter(pk=page.pk).update(captions="not captions")  # bypasses clean()
    response = client.get(page.url)
    assert response.status_code == 200
    assert VideoPage.objects.get(pk=page.pk).transcript_paragraphs() == []
    assert 'id="transcript-heading"' not in response.content.decode()


# --- WebVTT -----------------------------------------------------------------------


def test_parse_webvtt():
    text = (
        "\ufeffWEBVTT - 宣教片\r\nKind: captions\r\n\r\n"
        "NOTE 这是注释\r\n\r\n"
        "STYLE\r\n::cue { color: yellow }\r\n\r\n"
        "intro\r\n00:01.250 --> 00:02.000 align:start line:80%\r\n第一行\r\n第二行 &amp; 更多\r\n\r\n"
        "01:00:00.000 --> 01:00:02.500\r\n<c.red>一小时后</c>\r\n"
    )
    cues = webvtt.parse(text)
    assert [(c.start, c.end) for c in cues] == [(1.25, 2.0), (3600.0, 3602.5)]
    assert cues[0].plain_text == "第一行 第二行 & 更多"
    assert cues[1].plain_text == "一小时后"


def test_demo_captions_parse_and_fit_their_videos():
    for name, *_rest in demo_videos.VIDEOS:
        cues = webvtt.parse((ASSETS / f"{name}.vtt").read_text(encoding="utf-8"))
        duration = demo_videos.mp4_duration(ASSETS / f"{name}.mp4")
        assert len(cues) >= 4
        assert cues[-1].end <= duration, f"{name}: captions run past the video"
        assert duration - cues[-1].end < 2, f"{name}: captions stop well before the video"
        assert all(a.end <= b.start for a, b in zip(cues, cues[1:])), f"{name}: overlapping cues"


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "The captions must start with the line WEBVTT."),
        ("1\n00:00.000 --> 00:01.000\n字幕\n", "The captions must start with the line WEBVTT."),
        ("WEBVTTX\n\n00:00.000 --> 00:01.000\n字幕\n", "The captions must start with the line WEBVTT."),
        (
            "WEBVTT\n00:00.000 --> 00:01.000\n字幕\n",
            "Line 2: leave a blank line between the WEBVTT line and the first cue.",
        ),
        (
            "WEBVTT\n\n00:00.000 -> 00:01.000\n字幕\n",
            "Line 3: this cue has no timing line such as 00:01.000 --> 00:04.000.",
        ),
        (
            "WEBVTT\n\n1\n0:00.000 --> 00:01.000\n字幕\n",
            "Line 4: the timing must look like 00:01.000 --> 00:04.000 (minutes:seconds.milliseconds).",
        ),
        (
            "WEBVTT\n\n00:00,000 --> 00:01,000\n字幕\n",
            "Line 3: the timing must look like 00:01.000 --> 00:04.000 (minutes:seconds.milliseconds).",
        ),
        ("WEBVTT\n\n00:00:02.000 --> 00:00:02.000\n字幕\n", "Line 3: the cue must end after it starts."),
        ("WEBVTT\n\n00:00.000 --> 00:01.000\n", "Line 3: the cue has no text."),
        ("WEBVTT\n\nNOTE 只有注释\n", "The captions contain no cues."),
    ],
)
def test_parse_errors_are_clear(text, message):
    with translation.override("en"):
        with pytest.raises(webvtt.WebVTTError) as error:
            webvtt.parse(text)
        assert str(error.value) == message


def test_parse_errors_are_in_chinese_by_default():
    with pytest.raises(webvtt.WebVTTError) as error:
        webvtt.parse("WEBVTT\n\n00:00:02.000 --> 00:00:02.000\n字幕\n")
    assert str(error.value) == "第 3 行：字幕结束时间必须晚于开始时间。"


# --- duration ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "seconds, text, iso",
    [
        (65, "1 min 05 s", "PT1M5S"),
        (64.6, "1 min 05 s", "PT1M5S"),
        (20.2, "20 s", "PT20S"),
        (600, "10 min 00 s", "PT10M0S"),
        (59.6, "1 min 00 s", "PT1M0S"),
    ],
)
def test_duration_formatting(seconds, text, iso):
    with translation.override("en"):
        assert str(format_duration(seconds)) == text
    assert iso_duration(seconds) == iso


@pytest.mark.django_db
def test_unknown_duration_is_not_shown(client, video_index, stored_assets):
    page = add_video(video_index, stored_assets, 1, duration=0, captions="")
    assert "<time" not in client.get(page.url).content.decode()


# --- demo assets and content ------------------------------------------------------


@pytest.mark.parametrize("name", [name for name, *_rest in demo_videos.VIDEOS])
def test_demo_assets_are_small_and_real(name):
    mp4, poster = ASSETS / f"{name}.mp4", ASSETS / f"{name}.jpg"
    assert 10_000 < mp4.stat().st_size <= 2 * 1024 * 1024
    assert 15 <= demo_videos.mp4_duration(mp4) <= 25
    assert mp4.read_bytes()[4:8] == b"ftyp"
    assert poster.read_bytes()[:3] == b"\xff\xd8\xff", "a JPEG poster"


@pytest.mark.django_db
def test_demo_videos_load_once(home_page, media_root):
    first = demo_videos.load(home_page)
    assert "Video index created" in first
    counts = (VideoPage.objects.count(), get_media_model().objects.count(), get_image_model().objects.count())
    assert counts == (3, 3, 3)
    assert demo_videos.load(home_page) == []
    assert (VideoPage.objects.count(), get_media_model().objects.count(), get_image_model().objects.count()) == counts
    assert len(list(media_root.rglob("*.mp4"))) == 3

    index = VideoIndexPage.objects.get()
    assert index.slug == "videos" and index.show_in_menus and index.live
    pages = VideoPage.objects.child_of(index).live()
    assert pages.filter(featured=True).count() >= 2
    assert {p.topic for p in pages} == {"fall", "electrocution", "fire"}
    for page in pages:
        assert page.video.duration > 15 and (page.video.width, page.video.height) == (640, 360)
        assert page.poster is not None
        assert len(page.cues) >= 4
        page.clean()


# --- query counts -----------------------------------------------------------------

# Measured with every cache cleared: 16 for the index and 20 for a video page
# (site, menu, breadcrumbs, settings, privacy checks included); a little room
# for the shared layout, far below what one query per video would add.
INDEX_QUERY_BOUND = 18
VIDEO_PAGE_QUERY_BOUND = 22


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 20])
def test_index_queries_do_not_grow_with_videos(
    client, video_index, stored_assets, django_assert_max_num_queries, count
):
    topics = list(VideoTopic)
    for number in range(count):
        add_video(video_index, stored_assets, number, topics[number % len(topics)])
    client.get("/videos/")  # make the poster renditions
    clear_caches()  # a cache would hide per-poster rendition queries
    with django_assert_max_num_queries(INDEX_QUERY_BOUND):
        response = client.get("/videos/")
    assert len(listed_titles(response)) == count


@pytest.mark.django_db
def test_index_query_count_is_the_same_for_3_and_20_videos(client, video_index, stored_assets):
    def measure():
        client.get("/videos/")
        clear_caches()
        with CaptureQueriesContext(connection) as queries:
            client.get("/videos/?topic=fall")
        return len(queries)

    for number in range(3):
        add_video(video_index, stored_assets, number)
    small = measure()
    for number in range(3, 20):
        add_video(video_index, stored_assets, number)
    assert measure() == small


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 20])
def test_video_page_queries_are_bounded(client, video_index, stored_assets, django_assert_max_num_queries, count):
    for number in range(count):
        add_video(video_index, stored_assets, number)
    page = VideoPage.objects.get(slug="video-1")
    client.get(page.url)
    clear_caches()
    with django_assert_max_num_queries(VIDEO_PAGE_QUERY_BOUND):
        assert client.get(page.url).status_code == 200


# --- in the browser ---------------------------------------------------------------


@pytest.fixture
def media_through_urlconf(monkeypatch):
    """Django's live server answers /media/ itself (_MediaFilesHandler, no
    Range support, so Chromium cannot seek); send it to portal.media instead,
    as `make run` does."""
    from django.test.testcases import _MediaFilesHandler

    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda self, path: False)


@pytest.mark.browser
def test_phone_journey_home_to_playing_video(
    live_server, transactional_db, home_page, media_root, media_through_urlconf, phone_page, assert_accessible
):
    """Home → main menu → videos → filter by topic → open → play, seek, captions."""
    demo_videos.load(home_page)
    page = phone_page
    media_statuses = []
    page.on("response", lambda r: media_statuses.append(r.status) if r.url.endswith(".mp4") else None)
    page.goto(live_server.url + "/")
    page.locator(".main-menu").get_by_role("link", name="安全宣教视频").click()
    page.wait_for_url("**/videos/")
    assert page.locator(".video-card").count() == 3
    assert_accessible(page)

    page.locator(".video-topics a[href$='?topic=electrocution']").click()
    page.wait_for_url("**/videos/?topic=electrocution")
    assert page.locator(".video-card").count() == 1
    page.get_by_role("link", name="施工临时用电安全").click()
    page.wait_for_url("**/videos/temporary-electricity/")
    assert_accessible(page)

    video = page.locator("video")
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.5")
    assert video.evaluate("v => !v.paused && v.error === null")

    landed = video.evaluate(
        """v => new Promise(resolve => {
            v.addEventListener('seeked', () => resolve(v.currentTime), {once: true});
            v.currentTime = 12;
        })"""
    )
    assert 11.9 <= landed <= 12.5
    page.wait_for_function("() => document.querySelector('video').currentTime > 12.2")

    cues = video.evaluate(
        """v => new Promise((resolve, reject) => {
            const track = v.textTracks[0];
            track.mode = 'showing';
            const element = v.querySelector('track');
            const done = () => resolve({kind: track.kind, language: track.language, cues: track.cues.length,
                                        first: track.cues[0].text});
            if (element.readyState === 2) { done(); } else {
                element.addEventListener('load', done, {once: true});
                element.addEventListener('error', () => reject(new Error('captions failed to load')), {once: true});
            }
        })"""
    )
    assert cues["kind"] == "captions" and cues["language"] == "zh-Hans"
    assert cues["cues"] == 5
    assert cues["first"].startswith("装修和小型施工的临时用电")
    assert 206 in media_statuses, "the video was fetched in byte ranges"


@pytest.mark.django_db
def test_editor_sees_the_captions_error(admin_client, admin_user, video_index, stored_assets):
    """Saving broken captions in the admin keeps the page and shows why."""
    from wagtail.test.utils.form_data import rich_text
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"  # the admin speaks the editor's language, not the test's
    profile.save()
    page = add_video(video_index, stored_assets, 1)
    data = {
        "title": page.title,
        "slug": page.slug,
        "topic": page.topic,
        "summary": page.summary,
        "video": page.video_id,
        "poster": page.poster_id,
        "transcript": rich_text(""),
        "captions": "WEBVTT\n\n00:01.000 --> 00:02.000\n",
    }
    response = admin_client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 200
    assert "Line 3: the cue has no text." in response.content.decode()
    assert VideoPage.objects.get(pk=page.pk).captions == CAPTIONS
