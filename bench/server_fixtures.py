"""What bench/server_bench.py and the scale-out test need in the database,
made inside Django (`manage.py shell`) and returned as JSON: the public
URLs of the demo content, valid registration answers, and training sessions
open for check-in now, each with a roster."""

import datetime
import json


def public_paths():
    from django.templatetags.static import static

    from home.models import PolicyDocumentPage, VideoPage

    policy = PolicyDocumentPage.objects.live().order_by("pk").first()
    video = VideoPage.objects.live().order_by("pk").first()
    return {
        "hello-world": "/bench/hello/",
        "static file": static("css/portal.css"),
        "home": "/",
        "measure (policy page)": policy.url if policy else None,
        "videos index": "/videos/",
        "video page": video.url if video else None,
        "notices": "/notices/",
        "search": "/search/?q=%E6%96%BD%E5%B7%A5",  # 施工
    }


def registration_answers():
    from registration.public.forms import serialise_answers
    from registration.tests.factories import registration_data

    answers = serialise_answers(registration_data())
    answers["commitment"] = "on"
    return answers


def checkin_session(trainees, title, mobile_prefix):
    """A session that opened for check-in 20 minutes ago, with ``trainees`` on its roster."""
    from django.utils import timezone

    from portal.models import Community, Street
    from training.models import AudienceRole, Topic, Trainee, TraineeRole, TrainingSession

    start = timezone.now() + datetime.timedelta(minutes=10)
    topic, _created = Topic.objects.get_or_create(name="高处坠落")
    session = TrainingSession.objects.create(
        title=title, topic=topic, starts_at=start, ends_at=start + datetime.timedelta(hours=2), venue="区建设局会议室"
    )
    session.audience_roles.set(AudienceRole.objects.filter(code=TraineeRole.GRID_WORKER))
    street = Street.objects.get(code="350206001")
    community = Community.objects.filter(street=street).order_by("sort_order").first()
    taken = set(Trainee.objects.filter(mobile__startswith=mobile_prefix).values_list("mobile", flat=True))
    mobiles = [mobile for n in range(10_000) if (mobile := f"{mobile_prefix}{n:04d}") not in taken][:trainees]
    people = [(f"{title[:4]}学员{number:03d}", mobile) for number, mobile in enumerate(mobiles)]
    Trainee.objects.bulk_create(
        Trainee(
            name=name,
            mobile=mobile,
            role=TraineeRole.GRID_WORKER,
            street=street,
            community=community,
            organisation="湖里社区居委会",
        )
        for name, mobile in people
    )
    return {"id": session.pk, "code": session.checkin_code, "people": people}


def prepare(trainees=200):
    return json.dumps(
        {
            "paths": public_paths(),
            "answers": registration_answers(),
            "checkin": checkin_session(trainees, "压测签到一", "1880592"),
            "checkin_shared": checkin_session(trainees, "压测签到二", "1880593"),
        },
        ensure_ascii=False,
    )


def query_counts(paths):
    """SQL queries of each page for an anonymous visitor, page cache off
    (PAGE_CACHE_SECONDS=0): the second request, once the per-process caches
    (site root paths, settings) are warm, as in bench/pages_bench.py."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for name, path in paths.items():
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        counts[name] = {"queries": len(queries), "status": response.status_code}
    return json.dumps(counts, ensure_ascii=False)
