"""Small builders for page trees in tests."""

import datetime

from wagtail.rich_text import RichText

from home.models import NoticeIndexPage, NoticePage, StandardPage


def add_page(parent, page, publish=True):
    parent.add_child(instance=page)
    if publish:
        page.save_revision().publish()
    else:
        page.unpublish() if page.live else None
    return page


def make_notices(home, count, index=None):
    index = index or add_page(home, NoticeIndexPage(title="通知公告", slug="notices"))
    for n in range(count):
        add_page(
            index,
            NoticePage(
                title=f"第{n + 1}号通知",
                slug=f"notice-{n + 1}",
                date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
                summary="通知摘要",
                body=[("paragraph", RichText("<p>通知正文</p>"))],
            ),
        )
    return index


def make_standard_page(parent, slug, title, body=None, **fields):
    return add_page(parent, StandardPage(title=title, slug=slug, body=body or [], **fields))
