"""People, trainees and sessions for the training tests.

The streets and the role groups come from the migrations, as in production.
"""

import datetime
import itertools

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from portal.models import Community, StaffProfile, Street
from registration.roles import CONTENT_EDITOR
from training import roles
from training.models import AudienceRole, SessionLevel, Topic, Trainee, TraineeRole, TrainingSession

HULI, DIANQIAN, JIANGTOU = "350206001", "350206002", "350206004"
PASSWORD = "pw-for-tests-1"
_mobiles = itertools.count(1)


def make_user(username, group=None, street_codes=(), is_superuser=False):
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, is_staff=True, is_superuser=is_superuser, first_name=username
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    if street_codes:
        profile = StaffProfile.objects.create(user=user)
        profile.streets.set(Street.objects.filter(code__in=street_codes))
    return user


def street(code):
    return Street.objects.get(code=code)


def make_trainee(street_code=HULI, role=TraineeRole.GRID_WORKER, name=None, **extra):
    number = next(_mobiles)
    place = street(street_code)
    defaults = {
        "name": name or f"学员{number}",
        "role": role,
        "street": place,
        "community": Community.objects.filter(street=place).first(),
        "organisation": "示例单位",
        "mobile": f"1390592{number:04d}",
    }
    return Trainee.objects.create(**{**defaults, **extra})


def make_session(trainers, *, level=SessionLevel.DISTRICT, street_code=None, roles_=None, days=1, **extra):
    start = timezone.now() + datetime.timedelta(days=days)
    topic, _created = Topic.objects.get_or_create(name="高处坠落")
    session = TrainingSession.objects.create(
        title=extra.pop("title", "高处坠落防范培训"),
        topic=topic,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        venue="区建设局会议室",
        level=level,
        street=street(street_code) if street_code else None,
        **extra,
    )
    session.trainers.set(trainers)
    session.audience_roles.set(AudienceRole.objects.filter(code__in=roles_ or [TraineeRole.GRID_WORKER]))
    return session


@pytest.fixture
def people(db):
    """One user per role: two trainers, a street officer of 湖里 and one of
    江头, a district administrator, a content editor and a superuser."""
    return {
        "trainer_a": make_user("trainer_a", roles.TRAINER),
        "trainer_b": make_user("trainer_b", roles.TRAINER),
        "officer_huli": make_user("officer_huli", roles.STREET_OFFICER, [HULI]),
        "officer_jiangtou": make_user("officer_jiangtou", roles.STREET_OFFICER, [JIANGTOU]),
        "district_admin": make_user("district_admin", roles.DISTRICT_ADMIN),
        "editor": make_user("editor", CONTENT_EDITOR),
        "superuser": make_user("superuser", is_superuser=True),
    }


@pytest.fixture
def roster(db):
    """Three grid workers in 湖里, two in 江头, one safety inspector in 湖里."""
    return {
        "huli": [make_trainee(HULI, name=f"湖里学员{index}") for index in range(3)],
        "jiangtou": [make_trainee(JIANGTOU, name=f"江头学员{index}") for index in range(2)],
        "inspector": make_trainee(HULI, role=TraineeRole.SAFETY_INSPECTOR, name="湖里安全员"),
    }


@pytest.fixture
def session_a(people, roster):
    """A district-level session for grid workers, taught by trainer_a."""
    return make_session([people["trainer_a"]])


@pytest.fixture
def login(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in
