"""Training volumes for demos and benchmarks (``manage.py generate_training``):
held sessions for case officers, grid workers and inspectors, with exactly
the person-times asked per year (Huli: 1,100 in a year), a few absences
that do not count, and a roster shared by every year.

Rows are bulk-inserted; a rerun adds more sessions and reuses the roster.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from portal.models import Community, Street

from .models import (
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    AudienceRole,
    SessionLevel,
    SessionStatus,
    Topic,
    Trainee,
    TraineeRole,
    TrainingSession,
)

ROLES = (TraineeRole.STREET_OFFICER, TraineeRole.GRID_WORKER, TraineeRole.SAFETY_INSPECTOR)
PER_SESSION = 50
TRAINEES_PER_ROLE = 80
TOPIC = "小散工程安全生产纳管业务培训"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余叶杜苏魏程吕丁沈洪"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志文斌海燕玲鹏辉宇晨浩婷雪琳凯峰"


class TrainingGenerator:
    def __init__(self, seed=1):
        self.rng = random.Random(seed)
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()

    def roster(self):
        """TRAINEES_PER_ROLE generated trainees per role (mobiles 199xxxxxxxx), created once."""
        communities = list(Community.objects.select_related("street"))
        streets = list(Street.objects.all())
        if not streets:
            raise ValueError("No streets: run the migrations first.")
        existing = set(Trainee.objects.filter(mobile__startswith="1990").values_list("mobile", flat=True))
        new = []
        for role_index, role in enumerate(ROLES):
            for index in range(TRAINEES_PER_ROLE):
                mobile = f"1990{role_index:02d}{index:05d}"
                if mobile in existing:
                    continue
                community = communities[index % len(communities)] if communities else None
                new.append(
                    Trainee(
                        name=self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=2)),
                        role=role,
                        street=community.street if community else streets[index % len(streets)],
                        community=community if role == TraineeRole.GRID_WORKER else None,
                        mobile=mobile,
                    )
                )
        Trainee.objects.bulk_create(new)
        by_role = {role: [] for role in ROLES}
        for trainee in Trainee.objects.filter(mobile__startswith="1990"):
            by_role.setdefault(trainee.role, []).append(trainee)
        return by_role

    def run(self, years, person_times_per_year):
        """Create held sessions in each of ``years`` (only days already past) totalling exactly
        ``person_times_per_year`` attended records each; return the counts created."""
        topic, _created = Topic.objects.get_or_create(name=TOPIC)
        audience = {row.code: row for row in AudienceRole.objects.all()}
        by_role = self.roster()
        sessions = records = 0
        with transaction.atomic():
            for year in years:
                remaining, number = person_times_per_year, 0
                last_day = min(datetime.date(year, 12, 31), timezone.localdate() - datetime.timedelta(days=1))
                if last_day < datetime.date(year, 1, 1):
                    continue
                span = (last_day - datetime.date(year, 1, 1)).days
                while remaining > 0:
                    role = ROLES[number % len(ROLES)]
                    size = min(PER_SESSION, remaining, len(by_role[role]))
                    day = datetime.date(year, 1, 1) + datetime.timedelta(days=self.rng.randint(0, span))
                    starts = datetime.datetime.combine(day, datetime.time(9, 30), self.tz)
                    session = TrainingSession.objects.create(
                        title=f"{year}年第{number + 1}期{role.label}业务培训",
                        topic=topic,
                        starts_at=starts,
                        ends_at=starts + datetime.timedelta(hours=2),
                        venue="湖里区建设局三楼会议室",
                        level=SessionLevel.DISTRICT,
                        status=SessionStatus.HELD,
                    )
                    session.audience_roles.add(audience[role.value])
                    chosen = self.rng.sample(by_role[role], min(len(by_role[role]), size + 3))
                    rows = [
                        Attendance(
                            session=session,
                            trainee=trainee,
                            status=(
                                AttendanceStatus.ABSENT
                                if index >= size
                                else (AttendanceStatus.LATE if self.rng.random() < 0.05 else AttendanceStatus.PRESENT)
                            ),
                            marked_at=min(self.now, starts + datetime.timedelta(minutes=10)),
                            source=AttendanceSource.SHEET,
                        )
                        for index, trainee in enumerate(chosen)
                    ]
                    Attendance.objects.bulk_create(rows)
                    remaining -= size
                    number += 1
                    sessions += 1
                    records += len(rows)
        return {"sessions": sessions, "attendance records": records}
