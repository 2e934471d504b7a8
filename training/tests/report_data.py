"""Attendance data for the report tests: sessions in different months,
streets and topics, every status, a cancelled and a planned session that
both have records, a walk-in from another street, and sessions just either
side of a month and a year boundary in Xiamen time (where UTC would put
them in the other month or year).

Marks go through services.mark_attendance / add_walk_in, as on the sheet.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

import pytest
from django.db.models import Q

from training import services
from training.models import (
    ATTENDED,
    Attendance,
    AudienceRole,
    SessionLevel,
    SessionStatus,
    Topic,
    TraineeRole,
    TrainingSession,
)

from .conftest import HULI, JIANGTOU, make_trainee, street

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
P, L, E, A = "present", "late", "excused", "absent"
GRID, INSPECTOR, OFFICER = TraineeRole.GRID_WORKER, TraineeRole.SAFETY_INSPECTOR, TraineeRole.STREET_OFFICER


def local(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def make_report_session(title, start, trainer, topic, audience, *, street_code=None, status=SessionStatus.HELD):
    session = TrainingSession.objects.create(
        title=title,
        topic=topic,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        venue="区建设局三楼会议室",
        level=SessionLevel.STREET if street_code else SessionLevel.DISTRICT,
        street=street(street_code) if street_code else None,
        status=SessionStatus.PLANNED,
    )
    session.trainers.set([trainer])
    session.audience_roles.set(AudienceRole.objects.filter(code__in=audience))
    return session


def mark(session, marks, by, final_status):
    services.mark_attendance(
        session, {trainee.pk: services.Mark(status, remark) for trainee, (status, remark) in marks.items()}, by
    )
    session.status = final_status
    session.save(update_fields=["status"])


@dataclass
class ReportData:
    trainees: dict
    sessions: dict
    topics: dict
    people: dict


def build(people):
    t = {
        "hg1": make_trainee(HULI, GRID, name="湖里网格员甲"),
        "hg2": make_trainee(HULI, GRID, name="湖里网格员乙"),
        "hg3": make_trainee(HULI, GRID, name="湖里网格员丙"),  # never attends
        "hg_gone": make_trainee(HULI, GRID, name="湖里离职网格员", active=False),
        "hi1": make_trainee(HULI, INSPECTOR, name="湖里安全员甲"),
        "ho1": make_trainee(HULI, OFFICER, name="湖里纳管员甲"),
        "jg1": make_trainee(JIANGTOU, GRID, name="江头网格员甲"),
        "jg2": make_trainee(JIANGTOU, GRID, name="江头网格员乙"),
        "ji1": make_trainee(JIANGTOU, INSPECTOR, name="江头安全员甲"),
    }
    topics = {
        "fall": Topic.objects.get_or_create(name="高处坠落", defaults={"sort_order": 1})[0],
        "shock": Topic.objects.get_or_create(name="触电防护", defaults={"sort_order": 2})[0],
    }
    a, b = people["trainer_a"], people["trainer_b"]
    s = {
        # January, district, both streets, every status.
        "jan": make_report_session(
            "一月安全员与网格员培训", local(2026, 1, 15, 9), a, topics["fall"], [GRID, INSPECTOR]
        ),
        # 23:30 on 31 March in Xiamen: March (15:30 UTC, March too).
        "mar_end": make_report_session(
            "湖里街道触电防护", local(2026, 3, 31, 23, 30), a, topics["shock"], [GRID], street_code=HULI
        ),
        # 07:00 on 1 April in Xiamen is 23:00 on 31 March in UTC: April.
        "apr_start": make_report_session(
            "四月纳管员培训", local(2026, 4, 1, 7), b, topics["fall"], [OFFICER, INSPECTOR]
        ),
        # 06:00 on 1 January 2026 in Xiamen is still 2025 in UTC: 2026.
        "new_year": make_report_session(
            "江头街道新年培训", local(2026, 1, 1, 6), b, topics["shock"], [GRID], street_code=JIANGTOU
        ),
        # 23:30 on 31 December 2025: 2025.
        "old_year": make_report_session("年末培训", local(2025, 12, 31, 23, 30), b, topics["fall"], [GRID]),
        "cancelled": make_report_session("取消的培训", local(2026, 2, 10, 9), a, topics["shock"], [GRID]),
        "planned": make_report_session("尚未确认的培训", local(2026, 5, 10, 9), a, topics["shock"], [GRID]),
    }
    held = SessionStatus.HELD
    mark(
        s["jan"],
        {
            t["hg1"]: (P, ""),
            t["hg2"]: (L, "迟到十分钟"),
            t["hi1"]: (A, "未请假"),
            t["jg1"]: (P, ""),
            t["ji1"]: (E, "外出巡查"),
        },
        a,
        held,
    )
    mark(s["mar_end"], {t["hg1"]: (P, ""), t["hg2"]: (A, "")}, a, held)
    services.add_walk_in(s["mar_end"], t["jg1"], a)  # from 江头, at a 湖里 street session
    mark(s["apr_start"], {t["ho1"]: (P, ""), t["hi1"]: (P, ""), t["ji1"]: (L, "")}, b, held)
    mark(s["new_year"], {t["jg1"]: (L, ""), t["jg2"]: (P, "")}, b, held)
    mark(s["old_year"], {t["hg1"]: (P, ""), t["jg1"]: (P, "")}, b, held)
    mark(s["cancelled"], {t["hg1"]: (P, ""), t["jg1"]: (P, ""), t["hg3"]: (A, "")}, a, SessionStatus.CANCELLED)
    mark(s["planned"], {t["hg1"]: (P, "")}, a, SessionStatus.PLANNED)
    return ReportData(t, s, topics, people)


@pytest.fixture
def report_data(people):
    return build(people)


def year_bounds(year):
    """Independent of reports/figures.py: the local year as UTC-aware bounds."""
    return local(year, 1, 1), local(year + 1, 1, 1)


def counted(year=None, **conditions):
    """The ground truth: attended records of held sessions (in ``year``)."""
    records = Attendance.objects.filter(status__in=ATTENDED, session__status=SessionStatus.HELD, **conditions)
    if year:
        start, end = year_bounds(year)
        records = records.filter(Q(session__starts_at__gte=start) & Q(session__starts_at__lt=end))
    return records


def held_sessions(year):
    start, end = year_bounds(year)
    return TrainingSession.objects.filter(status=SessionStatus.HELD, starts_at__gte=start, starts_at__lt=end)
