"""Training demo content: two trainer logins, the topics, a roster of 60
trainees over the five streets, six past sessions with attendance in every
status and three upcoming ones.

Idempotent: trainees are matched by mobile number, topics by name, and the
sessions are only created when no demo session exists yet. The data is
fixed (a seeded random generator), the dates relative to today.
"""

import datetime
import random

from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.utils import timezone

from portal.demo import DEMO_USERS, ensure_user
from portal.models import Community, Street

from . import roles, services
from .models import (
    AttendanceSource,
    AttendanceStatus,
    AudienceRole,
    SessionLevel,
    SessionStatus,
    Topic,
    Trainee,
    TraineeRole,
    TrainingSession,
    TrainingSettings,
)

TRAINERS = {
    "trainer_a": "培训讲师甲（演示）",
    "trainer_b": "培训讲师乙（演示）",
}
DEMO_USERS.update({username: (name, False) for username, name in TRAINERS.items()})

DEMO_MARKER = "（演示）"

TOPICS = [
    ("高处坠落", "临边洞口防护、作业平台与安全带的正确使用；外墙、阳台和空调外机作业的坠落风险。"),
    ("触电", "临时用电的配电箱、漏电保护与电缆敷设；潮湿环境和手持电动工具的用电安全。"),
    ("消防", "动火作业审批与监护，装修材料与易燃物的存放，灭火器的配置和使用。"),
    ("物体打击", "交叉作业与高处落物，材料堆放和吊运时的警戒区设置。"),
    ("坍塌", "拆除作业、土方开挖和脚手架搭设中的坍塌征兆与预防措施。"),
    ("中毒窒息", "有限空间作业前的通风与检测，涂料、胶粘剂挥发物的防护。"),
    ("纳管制度与登记流程", "小散工程和零星作业的纳管范围、登记方式、巡查与完工核销的流程。"),
    ("巡查要点", "专职安全员上门巡查时查什么、怎么记录隐患、何时移交执法处置。"),
]

# Common surnames in Xiamen, the most common ones more than once.
SURNAMES = "陈陈陈林林林黄黄张李王吴刘蔡杨郑许谢洪曾周苏叶庄赖"
GIVEN = [
    "志强",
    "丽华",
    "建国",
    "美玲",
    "文斌",
    "秀英",
    "国平",
    "海燕",
    "俊杰",
    "晓敏",
    "振华",
    "淑芬",
    "明辉",
    "雅琴",
    "少鹏",
    "婉婷",
    "金水",
    "碧霞",
    "德龙",
    "玉兰",
    "永福",
    "佳慧",
    "荣生",
    "静怡",
]

# Per street: how many trainees of each role (12 per street, 60 in all).
ROLE_MIX = [
    (TraineeRole.STREET_OFFICER, 2),
    (TraineeRole.GRID_WORKER, 4),
    (TraineeRole.SAFETY_INSPECTOR, 3),
    (TraineeRole.PROPERTY_STAFF, 1),
    (TraineeRole.CONSTRUCTION_WORKER, 1),
    (TraineeRole.OTHER, 1),
]
ORGANISATIONS = {
    TraineeRole.STREET_OFFICER: "{street}办事处",
    TraineeRole.GRID_WORKER: "{community}居委会",
    TraineeRole.SAFETY_INSPECTOR: "{street}小散工程安全巡查队",
    TraineeRole.PROPERTY_STAFF: "厦门鹭湾物业服务有限公司",
    TraineeRole.CONSTRUCTION_WORKER: "厦门湖滨装饰工程有限公司",
    TraineeRole.OTHER: "厦门五缘机电安装有限公司",
}

OFFICIALS = [TraineeRole.STREET_OFFICER, TraineeRole.GRID_WORKER, TraineeRole.SAFETY_INSPECTOR]
# (days from today, hours long, topic, level, street code or None, audience, trainers, capacity)
SESSIONS = [
    (-150, 3, "纳管制度与登记流程", SessionLevel.DISTRICT, None, OFFICIALS, ["trainer_a"], 80),
    (-118, 2, "高处坠落", SessionLevel.STREET, "350206001", OFFICIALS, ["trainer_a"], 30),
    (
        -85,
        2,
        "触电",
        SessionLevel.DISTRICT,
        None,
        [TraineeRole.SAFETY_INSPECTOR, TraineeRole.CONSTRUCTION_WORKER],
        ["trainer_b"],
        40,
    ),
    (-57, 2, "巡查要点", SessionLevel.STREET, "350206004", OFFICIALS, ["trainer_b"], 25),
    (
        -30,
        3,
        "消防",
        SessionLevel.DISTRICT,
        None,
        [*OFFICIALS, TraineeRole.PROPERTY_STAFF],
        ["trainer_a", "trainer_b"],
        80,
    ),
    (-9, 2, "中毒窒息", SessionLevel.STREET, "350206003", OFFICIALS, ["trainer_a"], 30),
    (4, 2, "物体打击", SessionLevel.STREET, "350206001", OFFICIALS, ["trainer_a"], 30),
    (12, 3, "坍塌", SessionLevel.DISTRICT, None, [*OFFICIALS, TraineeRole.CONSTRUCTION_WORKER], ["trainer_b"], 60),
    (
        26,
        2,
        "高处坠落",
        SessionLevel.STREET,
        "350206005",
        [*OFFICIALS, TraineeRole.PROPERTY_STAFF],
        ["trainer_a", "trainer_b"],
        30,
    ),
]
VENUES = {
    SessionLevel.DISTRICT: "湖里区建设局三楼会议室",
    SessionLevel.STREET: "{street}办事处二楼培训室",
}


def ensure_trainers():
    group = Group.objects.get(name=roles.TRAINER)
    return {username: ensure_user(username, name, groups=[group]) for username, name in TRAINERS.items()}


def ensure_topics():
    topics = {}
    for order, (name, description) in enumerate(TOPICS, start=1):
        topics[name], _created = Topic.objects.get_or_create(
            name=name, defaults={"description": description, "sort_order": order}
        )
    return topics


def roster_rows():
    """The 60 demo trainees, always the same: (name, role, street, community, organisation, mobile)."""
    rng = random.Random(20240601)
    rows, index = [], 0
    streets = list(Street.objects.order_by("sort_order", "code"))
    communities = {
        street.pk: list(Community.objects.filter(street=street).order_by("sort_order", "pk")) for street in streets
    }
    used = set()
    for street in streets:
        for role, count in ROLE_MIX:
            for _each in range(count):
                while (name := rng.choice(SURNAMES) + rng.choice(GIVEN)) in used:
                    pass
                used.add(name)
                community = communities[street.pk][index % len(communities[street.pk])]
                organisation = ORGANISATIONS[role].format(street=street.name, community=community.name)
                rows.append((name, role, street, community, organisation, f"1370592{index:04d}"))
                index += 1
    return rows


def ensure_roster():
    created = 0
    for name, role, street, community, organisation, mobile in roster_rows():
        _trainee, was_created = Trainee.objects.get_or_create(
            mobile=mobile,
            defaults={
                "name": name,
                "role": role,
                "street": street,
                "community": community,
                "organisation": organisation,
            },
        )
        created += was_created
    return created


def _at(days, hour):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _attendance(session, trainers, rng):
    """Marks for a past session: mostly present, some late, excused and
    absent (each at least once), a few self check-ins and one walk-in."""
    audience = list(services.sheet_trainees(session).order_by("pk"))
    statuses = [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT]
    sheet, self_checkin = {}, {}
    for position, trainee in enumerate(audience):
        status = statuses[position] if position < 4 else rng.choices(statuses, weights=[75, 10, 8, 7])[0]
        remarks = {AttendanceStatus.EXCUSED: "事先请假", AttendanceStatus.LATE: "迟到十分钟"}.get(status, "")
        mark = services.Mark(status, remarks)
        (self_checkin if status == AttendanceStatus.PRESENT and position % 5 == 0 else sheet)[trainee.pk] = mark
    services.mark_attendance(session, sheet, trainers[0])
    services.mark_attendance(session, self_checkin, None, source=AttendanceSource.SELF_CHECKIN)
    outsider = Trainee.objects.exclude(pk__in=[trainee.pk for trainee in audience]).order_by("pk").first()
    if outsider:
        services.add_walk_in(session, outsider, trainers[0])


def ensure_sessions(topics, trainers):
    if TrainingSession.objects.filter(venue__endswith=DEMO_MARKER).exists():
        return 0
    rng = random.Random(20240602)
    streets = {street.code: street for street in Street.objects.all()}
    defaults = TrainingSettings.load()
    audience_rows = {row.code: row for row in AudienceRole.objects.all()}
    for days, hours, topic, level, street_code, audience, usernames, capacity in SESSIONS:
        street = streets.get(street_code)
        past = days < 0
        session = TrainingSession.objects.create(
            title=f"{topic}{'专题' if level == SessionLevel.DISTRICT else ''}安全培训",
            topic=topics[topic],
            starts_at=_at(days, 9),
            ends_at=_at(days, 9 + hours),
            venue=VENUES[level].format(street=street.name if street else "") + DEMO_MARKER,
            level=level,
            street=street,
            capacity=capacity,
            status=SessionStatus.HELD if past else SessionStatus.PLANNED,
            late_after_minutes=defaults.default_grace_minutes,
            checkin_opens_minutes_before=defaults.default_checkin_lead_minutes,
            created_by=trainers[usernames[0]],
        )
        session.trainers.set([trainers[name] for name in usernames])
        session.audience_roles.set([audience_rows[role] for role in audience])
        if past:
            _attendance(session, [trainers[name] for name in usernames], rng)
    return len(SESSIONS)


def load():
    # The back office's demo has just reset its groups' permissions: restore
    # the training ones (and create the trainer group's).
    roles.sync_roles(django_apps)
    trainers = ensure_trainers()
    topics = ensure_topics()
    added = ensure_roster()
    sessions = ensure_sessions(topics, trainers)
    return [f"Training: {len(trainers)} trainer logins, {added} trainees and {sessions} sessions created"]
