"""Realistic demo and benchmark volumes of works, inspections, hazards and
enforcement referrals (``manage.py generate_works``).

Everything is bulk-inserted in batches: Huli's 20,213 works and 469,009
inspections must load in minutes. Rows are built in Python from a seeded
random generator and small word lists, so a run is repeatable and needs no
external data. A rerun adds more rows: reference numbers come from the same
counter as real registrations (services.allocate_references).
"""

import contextlib
import datetime
import random
from bisect import bisect
from collections import namedtuple
from decimal import Decimal
from itertools import accumulate

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import reset_queries, transaction
from django.utils import timezone, translation

from portal.models import Community, Street
from portal.validators import USCC_ALPHABET, resident_id_check_character, uscc_check_character

from . import services
from .models.backoffice import EnforcementReferral, Hazard, HazardCategory, Inspection, InspectionResult
from .models.incidents import Incident, IncidentSeverity, IncidentType
from .models.reports import Report, ReportSource, ReportStatus, ReportSubject
from .models.works import (
    ContractorType,
    HighRiskOperation,
    Origin,
    OwnerType,
    RegistrantRole,
    Registration,
    SpecialArea,
    Status,
    StatusChange,
    WorkCategory,
    WorkKind,
)
from .reports.services import reference_prefix

BATCH = 5000
# Works built and inserted at a time: a city's 120,000 model instances would not fit in memory.
WORK_CHUNK = 20000
# What later steps need of a generated work; ``window`` is its inspection_window.
Work = namedtuple("Work", "pk street_id community_id kind status planned_start window")
REPORT_SUBJECT_CUM = [5, 9, 10]  # unregistered, unsafe, other
REPORT_TEXTS = [
    "楼下有人装空调外机，没看到登记回执",
    "外墙作业人员没有系安全带",
    "装修噪音很大，门口没有登记二维码",
    "楼顶在焊接，旁边堆着纸箱",
    "防盗网安装工人站在窗外作业",
    "电线拖在积水里，配电箱没有盖",
]
CLOSE_REASONS = ["现场核查未发现施工", "重复举报，已合并处理", "属于日常维修，不在纳管范围", "已责令现场整改并复查合格"]
INSPECTORS_PER_STREET = 3
# The incidents of Huli's evaluation: (year, kind, type, number).
SEED_INCIDENTS = [
    (2023, WorkKind.SMALL_WORK, IncidentType.FALL, 4),
    (2023, WorkKind.SMALL_WORK, IncidentType.MECHANICAL, 1),
    (2024, WorkKind.SMALL_WORK, IncidentType.FALL, 2),
    (2024, WorkKind.SPORADIC, IncidentType.FALL, 6),
]
INCIDENT_SUMMARIES = {
    IncidentType.FALL: "作业人员在外墙作业时未系挂安全带，从脚手架坠落受伤",
    IncidentType.MECHANICAL: "切割机防护罩缺失，作业人员手部被割伤",
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余叶杜苏魏程吕丁沈洪"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志文斌海燕玲鹏辉宇晨浩婷雪琳凯峰"
ROADS = [
    "湖里大道",
    "华荣路",
    "兴隆路",
    "江头北路",
    "吕岭路",
    "金尚路",
    "枋湖北二路",
    "钟宅路",
    "五缘湾道",
    "后坑路",
    "金山路",
    "蔡塘路",
    "殿前路",
    "高殿路",
    "禾山路",
    "安岭路",
    "东渡路",
    "嘉禾路",
    "仙岳路",
    "县后路",
]
ESTATES = [
    "海天花园",
    "金山小区",
    "江村新苑",
    "湖边花园",
    "禾盛小区",
    "康乐新村",
    "金湖花园",
    "五缘湾一号",
    "兴隆公寓",
    "枋湖花苑",
    "吕岭雅居",
    "蔡塘里",
    "高林居住区",
    "后埔新城",
    "东渡大厦",
    "华荣商业中心",
]
FIRM_WORDS = [
    "鑫盛",
    "恒达",
    "宏远",
    "嘉和",
    "海纳",
    "鹭岛",
    "永安",
    "瑞丰",
    "闽南",
    "金鼎",
    "博通",
    "同安",
    "万家",
    "佳美",
]
CONTRACTOR_TRADES = ["装饰工程", "建筑工程", "机电安装", "空调设备安装", "市政工程", "建设工程", "防水工程", "幕墙工程"]
OWNER_TRADES = ["置业", "贸易", "餐饮管理", "科技", "物流", "商贸", "文化传媒", "酒店管理"]
PROPERTY_FIRMS = ["物业服务", "物业管理"]
DEPARTMENTS = ["湖里区建设局", "湖里区城市管理行政执法局", "湖里区应急管理局"]

# How common each category is, by a word in its name: fit-outs and
# air-conditioner jobs are most of the volume; anything unlisted weighs 1.
CATEGORY_WEIGHTS = {
    "住宅室内装饰装修": 30,
    "非住宅类房屋装饰装修": 14,
    "空调": 24,
    "防盗网": 6,
    "雨棚": 4,
    "智能监控": 4,
    "太阳能": 3,
}
HAZARD_WEIGHTS = {
    HazardCategory.FALL_PROTECTION: 35,
    HazardCategory.TEMPORARY_POWER: 25,
    HazardCategory.HOT_WORK: 10,
    HazardCategory.STRUCK_BY: 8,
    HazardCategory.COLLAPSE: 4,
    HazardCategory.POISONING: 2,
    HazardCategory.FIRE: 8,
    HazardCategory.OTHER: 8,
}
HAZARD_TEXTS = {
    HazardCategory.FALL_PROTECTION: "外墙作业未系安全带，临边未设防护栏杆",
    HazardCategory.TEMPORARY_POWER: "临时用电未使用漏电保护器，电线拖地",
    HazardCategory.HOT_WORK: "动火作业无审批，现场未配灭火器",
    HazardCategory.STRUCK_BY: "高处堆放材料未固定，下方未设警戒区",
    HazardCategory.COLLAPSE: "拆除承重墙前未出具结构安全意见",
    HazardCategory.POISONING: "有限空间作业前未通风检测",
    HazardCategory.FIRE: "易燃装修材料堆放在疏散通道",
    HazardCategory.OTHER: "施工现场未张贴登记回执",
}
DESCRIPTIONS = {
    WorkKind.SMALL_WORK: [
        "室内装修，含水电改造",
        "店面装修及招牌更换",
        "屋面防水翻新",
        "小区道路修补",
        "围墙及门卫室改造",
    ],
    WorkKind.SPORADIC: ["外墙空调外机安装", "旧空调拆除及更换", "阳台防盗网安装", "雨棚安装", "楼顶太阳能热水器更换"],
}
RETURN_REASONS = ["施工单位信用代码与执照不符", "现场照片不清晰，请重新上传", "计划工期填写有误"]
STOP_REASONS = ["高处作业无防护，责令停工整改", "临时用电严重违规，停工整改"]
WITHDRAW_REASONS = ["业主取消施工", "重复登记，予以撤销"]


@contextlib.contextmanager
def explicit_timestamps(*fields):
    """Let bulk_create keep the historical times we set: auto_now and
    auto_now_add would otherwise stamp every generated row with "now"."""
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field, _, _ in saved:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _fields(model, *names):
    return [model._meta.get_field(name) for name in names]


class Generator:
    """One run: ``Generator(seed, start).run(works, inspections, hazard_rate)``."""

    def __init__(self, seed=1, start=datetime.date(2022, 3, 1), log=lambda text: None, incident_factor=1):
        self.incident_factor = incident_factor  # SEED_INCIDENTS times this: 6 for a city
        self.rng = random.Random(seed)
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.start = start
        self.log = log
        self.communities = list(Community.objects.select_related("street"))
        if not self.communities:
            raise ValueError("No streets and communities: run the migrations first.")
        categories = list(WorkCategory.objects.filter(active=True))
        self.categories = categories
        self.category_cum = list(
            accumulate(next((w for word, w in CATEGORY_WEIGHTS.items() if word in c.name), 1) for c in categories)
        )
        self.high_risk = list(HighRiskOperation.objects.values_list("pk", flat=True))
        self.hazard_categories = list(HAZARD_WEIGHTS)
        self.hazard_cum = list(accumulate(HAZARD_WEIGHTS.values()))
        with translation.override(settings.LANGUAGE_CODE):
            self.public_actor = str(services.PUBLIC_ACTOR)
        self.staff = self._staff()

    # --- small pieces -----------------------------------------------------

    def pick(self, items, cum):
        return items[bisect(cum, self.rng.random() * cum[-1])]

    def person(self):
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2))))

    def mobile(self):
        return self.rng.choice(("13", "15", "17", "18", "19")) + f"{self.rng.randrange(10**9):09d}"

    def uscc(self):
        body = "91350206" + "".join(self.rng.choices(USCC_ALPHABET, k=9))
        return body + uscc_check_character(body)

    def resident_id(self):
        born = datetime.date(1960, 1, 1) + datetime.timedelta(days=self.rng.randrange(365 * 40))
        body = f"350206{born:%Y%m%d}{self.rng.randrange(1000):03d}"
        return body + resident_id_check_character(body)

    def firm(self, trades):
        return "厦门" + self.rng.choice(FIRM_WORDS) + self.rng.choice(trades) + "有限公司"

    def address(self, community):
        if self.rng.random() < 0.6:
            return f"湖里区{self.rng.choice(ESTATES)}{self.rng.randint(1, 40)}号楼{self.rng.randint(1, 33)}{self.rng.randint(1, 8):02d}室"
        return f"湖里区{self.rng.choice(ROADS)}{self.rng.randint(1, 999)}号（{community.name}）"

    def moment(self, day, earliest=None):
        """A working-hours time on ``day``, not before ``earliest`` nor after now."""
        value = datetime.datetime.combine(day, datetime.time(self.rng.randint(8, 17), self.rng.randrange(60)), self.tz)
        if earliest and value <= earliest:
            value = earliest + datetime.timedelta(minutes=self.rng.randint(5, 600))
        return min(value, self.now)

    def _staff(self):
        """An officer and a few inspectors per street, created once and reused by reruns."""
        User = get_user_model()
        staff = {}
        for street in Street.objects.all():
            users = []
            for index in range(INSPECTORS_PER_STREET + 1):
                role = "officer" if index == 0 else f"inspector{index}"
                user, created = User.objects.get_or_create(
                    username=f"gen_{role}_{street.code}",
                    defaults={"first_name": f"{street.name}{'纳管员' if index == 0 else f'安全员{index}'}"},
                )
                if created:
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
                users.append(user)
            staff[street.pk] = (users[0], users[1:])
        return staff

    # --- works and their history --------------------------------------------

    def _status(self, submitted, planned_end):
        r = self.rng.random()
        if submitted.date() >= self.today - datetime.timedelta(days=3):
            table = ((0.6, Status.SUBMITTED), (0.75, Status.RETURNED), (1, Status.UNDER_WAY))
        elif planned_end >= self.today:
            table = ((0.85, Status.UNDER_WAY), (0.93, Status.STOPPED), (0.97, Status.WITHDRAWN), (1, Status.RETURNED))
        else:
            table = ((0.95, Status.COMPLETED), (0.98, Status.WITHDRAWN), (0.99, Status.STOPPED), (1, Status.UNDER_WAY))
        return next(status for limit, status in table if r < limit)

    def build_work(self, reference_day):
        community = self.rng.choice(self.communities)
        category = self.pick(self.categories, self.category_cum)
        submitted = self.moment(reference_day)
        planned_start = submitted.date() + datetime.timedelta(days=self.rng.randint(1, 7))
        if category.kind == WorkKind.SPORADIC:
            duration = self.rng.randint(0, 3)
        elif "装饰装修" in category.name:
            duration = self.rng.randint(15, 90)
        else:
            duration = self.rng.randint(20, 180)
        planned_end = planned_start + datetime.timedelta(days=duration)
        owner_type = (
            OwnerType.INDIVIDUAL
            if self.rng.random() < 0.65
            else self.rng.choice(
                [OwnerType.COMPANY] * 6 + [OwnerType.GOVERNMENT, OwnerType.PUBLIC_INSTITUTION, OwnerType.STATE_OWNED]
            )
        )
        person = self.person()
        role = self.rng.choices(list(RegistrantRole), weights=(45, 40, 15))[0]
        owner_mobile, manager_mobile = self.mobile(), self.mobile()
        property_mobile = self.mobile() if role == RegistrantRole.PROPERTY_COMPANY else ""
        insured = self.rng.random() < 0.3
        sporadic = category.kind == WorkKind.SPORADIC
        # Most sporadic jobs are done by an installer working on their own.
        by_person = sporadic and self.rng.random() < 0.6
        work = Registration(
            kind=category.kind,
            category=category,
            street=community.street,
            community=community,
            address=self.address(community),
            special_area=SpecialArea.NONE if self.rng.random() < 0.93 else self.rng.choice(list(SpecialArea)[1:]),
            owner_type=owner_type,
            owner_name=person if owner_type == OwnerType.INDIVIDUAL else self.firm(OWNER_TRADES),
            owner_contact=person if owner_type == OwnerType.INDIVIDUAL else self.person(),
            owner_mobile=owner_mobile,
            owner_uscc="" if owner_type == OwnerType.INDIVIDUAL else self.uscc(),
            contractor_type=ContractorType.INDIVIDUAL if by_person else ContractorType.ORGANISATION,
            contractor_name=(installer := self.person()) if by_person else self.firm(CONTRACTOR_TRADES),
            contractor_uscc="" if by_person else self.uscc(),
            contractor_id_number=self.resident_id() if by_person else "",
            site_manager_name=installer if by_person else self.person(),
            site_manager_mobile=manager_mobile,
            worker_count=self.rng.randint(1, 6) if category.kind == WorkKind.SPORADIC else self.rng.randint(3, 40),
            registrant_role=role,
            property_company_name=self.firm(PROPERTY_FIRMS) if property_mobile else "",
            property_company_contact=self.person() if property_mobile else "",
            property_company_mobile=property_mobile,
            registrant_mobile={RegistrantRole.OWNER: owner_mobile, RegistrantRole.CONTRACTOR: manager_mobile}.get(
                role, property_mobile
            ),
            description=self.rng.choice(DESCRIPTIONS[category.kind]),
            planned_start=planned_start,
            planned_end=planned_end,
            investment_yuan=None if sporadic else Decimal(self.rng.randrange(2_000, 290_000, 500)),
            floor_area_m2=None if sporadic else Decimal(self.rng.randrange(50, 2900)) / 10,
            insured=insured,
            insurance_policy_number=f"PZAA{self.rng.randrange(10**12):012d}" if insured else "",
            commitment_accepted_at=submitted,
            submitted_at=submitted,
        )
        work.status = self._status(submitted, planned_end)
        return work

    def history(self, work):
        """The status changes leading to ``work.status``, in order: (from, to, time, reason, by officer)."""
        officer = self.staff[work.street_id][0]
        t = work.submitted_at
        steps = [("", Status.SUBMITTED, t, "", None)]

        def step(to, when, reason="", by=officer):
            steps.append((steps[-1][1], to, when, reason, by))

        final = work.status
        if final == Status.SUBMITTED:
            return steps
        if final == Status.RETURNED:
            step(Status.RETURNED, self.moment(t.date(), t), self.rng.choice(RETURN_REASONS))
            return steps
        if final == Status.WITHDRAWN and self.rng.random() < 0.5:
            step(Status.WITHDRAWN, self.moment(t.date(), t), self.rng.choice(WITHDRAW_REASONS), None)
            return steps
        step(Status.UNDER_WAY, self.moment(t.date() + datetime.timedelta(days=1), t))
        end = min(work.planned_end, self.today)
        if final == Status.STOPPED or (final == Status.COMPLETED and self.rng.random() < 0.02):
            stopped = self.moment(work.planned_start + (end - work.planned_start) / 2, steps[-1][2])
            step(Status.STOPPED, stopped, self.rng.choice(STOP_REASONS))
            if final == Status.STOPPED:
                return steps
            step(Status.UNDER_WAY, self.moment(stopped.date() + datetime.timedelta(days=2), stopped))
        if final == Status.WITHDRAWN:
            step(Status.WITHDRAWN, self.moment(end, steps[-1][2]), self.rng.choice(WITHDRAW_REASONS), None)
        elif final == Status.COMPLETED:
            step(
                Status.COMPLETED,
                self.moment(work.planned_end + datetime.timedelta(days=self.rng.randint(0, 5)), steps[-1][2]),
            )
        return steps

    def create_works(self, count):
        """Insert ``count`` works with their histories and high-risk operations;
        return a compact ``Work`` per work (model instances of a city would not
        fit in memory). Works are built and inserted in chunks of WORK_CHUNK,
        each from its own consecutive slice of days, so reference numbers still
        follow the submission times."""
        days = (self.today - self.start).days + 1
        chunks = max(1, -(-count // WORK_CHUNK))
        created = []
        for chunk in range(chunks):
            first_day, last_day = days * chunk // chunks, days * (chunk + 1) // chunks
            size = count * (chunk + 1) // chunks - count * chunk // chunks
            with transaction.atomic():
                created += self._works_chunk(size, first_day, max(first_day + 1, last_day))
            reset_queries()
            self.log(f"{len(created)} / {count} works")
        return created

    def _works_chunk(self, count, first_day, last_day):
        works = [
            self.build_work(self.start + datetime.timedelta(days=self.rng.randrange(first_day, last_day)))
            for _ in range(count)
        ]
        works.sort(key=lambda work: work.submitted_at)
        by_year = {}
        for work in works:
            by_year.setdefault(work.submitted_at.astimezone(self.tz).year, []).append(work)
        for year, group in by_year.items():
            for work, reference in zip(group, services.allocate_references(len(group), year=year)):
                work.reference = reference
        histories = [self.history(work) for work in works]
        for work, steps in zip(works, histories):
            work.updated_at = steps[-1][2]
        Registration.objects.bulk_create(works, batch_size=BATCH)

        changes = [
            StatusChange(
                registration=work,
                from_status=before,
                to_status=after,
                created_at=when,
                reason=reason,
                changed_by=by,
                actor_label=by.first_name.removesuffix("纳管员") if by else self.public_actor,
            )
            for work, steps in zip(works, histories)
            for before, after, when, reason, by in steps
        ]
        StatusChange.objects.bulk_create(changes, batch_size=BATCH)
        Through = Registration.high_risk_operations.through
        links = [
            Through(registration_id=work.pk, highriskoperation_id=pk)
            for work in works
            if self.rng.random() < 0.4
            for pk in self.rng.sample(self.high_risk, k=min(len(self.high_risk), self.rng.randint(1, 2)))
        ]
        Through.objects.bulk_create(links, batch_size=BATCH)
        self.log(f"{len(works)} works, {len(changes)} status changes")
        return [
            Work(
                work.pk,
                work.street_id,
                work.community_id,
                work.kind,
                work.status,
                work.planned_start,
                self.inspection_window(work, steps),
            )
            for work, steps in zip(works, histories)
        ]

    # --- inspections, hazards, referrals -----------------------------------

    def inspection_window(self, work, history):
        """The days a work can have been inspected on: from its start to its
        end (or today), only once it was accepted."""
        if work.status in (Status.SUBMITTED, Status.RETURNED) or work.planned_start > self.today:
            return None
        accepted = next((when for _, to, when, _, _ in history if to == Status.UNDER_WAY), None)
        if accepted is None:
            return None
        last = min(work.planned_end, self.today)
        if work.status in (Status.COMPLETED, Status.WITHDRAWN):
            last = min(last, history[-1][2].astimezone(self.tz).date())
        first = max(work.planned_start, accepted.astimezone(self.tz).date())
        return (first, last) if first <= last else None

    def create_inspections(self, works, count, hazard_rate):
        windows = [(work, work.window) for work in works if work.window]
        if count and not windows:
            raise ValueError("No generated work is under way or finished, so none can have inspections.")
        # longer works get more visits
        cum = list(accumulate((last - first).days + 1 for _, (first, last) in windows))
        hazard_count = min(count, round(count * hazard_rate))
        hazardous = set(self.rng.sample(range(count), hazard_count))
        totals = {"inspections": 0, "hazards": 0, "referrals": 0}
        for offset in range(0, count, BATCH * 4):
            indexes = range(offset, min(count, offset + BATCH * 4))
            with transaction.atomic():
                self._inspection_batch(windows, cum, indexes, hazardous, totals)
            reset_queries()  # with DEBUG, Django keeps every (huge) INSERT's text
            self.log(f"{totals['inspections']} / {count} inspections")
        return totals

    def _inspection_batch(self, windows, cum, indexes, hazardous, totals):
        inspections, visited = [], []
        for index in indexes:
            work, (first, last) = self.pick(windows, cum)
            visited.append(work)
            day = first + datetime.timedelta(days=self.rng.randrange((last - first).days + 1))
            result = InspectionResult.NO_HAZARD
            if index in hazardous:
                result = InspectionResult.STOP_WORK if self.rng.random() < 0.08 else InspectionResult.HAZARDS
            when = self.moment(day)
            inspections.append(
                Inspection(
                    registration_id=work.pk,
                    inspector=self.rng.choice(self.staff[work.street_id][1]),
                    inspected_at=when,
                    created_at=when,
                    result=result,
                    notes="" if result == InspectionResult.NO_HAZARD else "现场发现隐患，已告知施工单位",
                )
            )
        Inspection.objects.bulk_create(inspections, batch_size=BATCH)
        found = [
            (inspection, work)
            for inspection, work in zip(inspections, visited)
            if inspection.result != InspectionResult.NO_HAZARD
        ]
        hazards = [self.hazard(inspection, work) for inspection, work in found]
        Hazard.objects.bulk_create(hazards, batch_size=BATCH)
        referrals = [
            self.referral(hazard, work)
            for hazard, (_, work) in zip(hazards, found)
            if hazard.inspection.result == InspectionResult.STOP_WORK or self.rng.random() < 0.05
        ]
        EnforcementReferral.objects.bulk_create(referrals, batch_size=BATCH)
        totals["inspections"] += len(inspections)
        totals["hazards"] += len(hazards)
        totals["referrals"] += len(referrals)

    def hazard(self, inspection, work):
        category = self.pick(self.hazard_categories, self.hazard_cum)
        found_on = inspection.inspected_at.astimezone(self.tz).date()
        deadline = found_on + datetime.timedelta(days=self.rng.choice((1, 3, 3, 5, 7)))
        # Written-off works had every hazard put right; on live works some
        # are still open, and those past their deadline show as overdue.
        still_open = work.status in (Status.UNDER_WAY, Status.STOPPED) and (
            deadline >= self.today or self.rng.random() < 0.3
        )
        rectified = None if still_open else min(self.today, found_on + datetime.timedelta(days=self.rng.randint(0, 6)))
        return Hazard(
            inspection=inspection,
            found_at=inspection.inspected_at,
            registration_id=work.pk,
            category=category,
            description=HAZARD_TEXTS[category],
            deadline=deadline,
            rectified_on=rectified,
            verified_by=inspection.inspector if rectified else None,
        )

    def referral(self, hazard, work):
        inspection = hazard.inspection
        referred = min(self.now, inspection.inspected_at + datetime.timedelta(hours=self.rng.randint(1, 48)))
        open_case = work.status == Status.STOPPED and self.rng.random() < 0.5
        closed = None if open_case else min(self.now, referred + datetime.timedelta(days=self.rng.randint(3, 30)))
        return EnforcementReferral(
            registration_id=work.pk,
            referred_at=referred,
            referred_by=self.staff[work.street_id][0],
            department=self.rng.choice(DEPARTMENTS),
            reason=hazard.description,
            case_number=f"湖执{referred.year}第{self.rng.randint(1, 9999):04d}号",
            outcome="" if open_case else "已责令整改并复查合格",
            closed_at=closed,
        )

    # --- reports (吹哨) ---------------------------------------------------------

    def report(self, community, created, works_nearby):
        """One report: most are decided a few days later, a tenth of the decided
        ones found an unregistered work (then counted as ``Origin.FOUND``)."""
        officer, inspectors = self.staff[community.street_id]
        report = Report(
            source=ReportSource.GRID_WORKER if self.rng.random() < 0.6 else ReportSource.PUBLIC,
            subject=self.pick(list(ReportSubject), REPORT_SUBJECT_CUM),
            street_id=community.street_id,
            community=community,
            address=self.address(community),
            description=self.rng.choice(REPORT_TEXTS),
            reporter_mobile=self.mobile() if self.rng.random() < 0.5 else "",
            created_at=created,
        )
        if created.date() > self.today - datetime.timedelta(days=3):
            if self.rng.random() < 0.4:
                report.status, report.assigned_inspector = ReportStatus.INSPECTOR_SENT, self.rng.choice(inspectors)
            return report
        r = self.rng.random()
        report.triaged_by, report.triaged_at = officer, created + datetime.timedelta(days=self.rng.randint(1, 3))
        if works_nearby and r < 0.55:
            report.status, report.registration_id = ReportStatus.LINKED, self.rng.choice(works_nearby).pk
            report.outcome = "经核查，该工程已登记并纳入安全管理。"
        elif works_nearby and r < 0.65:
            report.status, report.registration_id = ReportStatus.FOUND_UNREGISTERED, self.rng.choice(works_nearby).pk
            report.outcome = "经核查，该工程未登记，已责令补办登记。"
        else:
            report.status, report.outcome = ReportStatus.CLOSED, self.rng.choice(CLOSE_REASONS)
        return report

    def create_reports(self, works, count):
        by_street = {}
        for work in works:
            by_street.setdefault(work.street_id, []).append(work)
        days = (self.today - self.start).days + 1
        reports = []
        for _ in range(count):
            community = self.rng.choice(self.communities)
            created = self.moment(self.start + datetime.timedelta(days=self.rng.randrange(days)))
            reports.append(self.report(community, created, by_street.get(community.street_id)))
        reports.sort(key=lambda report: report.created_at)
        prefix = reference_prefix()
        by_year = {}
        for report in reports:
            by_year.setdefault(report.created_at.astimezone(self.tz).year, []).append(report)
        for year, group in by_year.items():
            for report, reference in zip(group, services.allocate_references(len(group), prefix=prefix, year=year)):
                report.reference = reference
        Report.objects.bulk_create(reports, batch_size=BATCH)
        found = {report.registration_id for report in reports if report.status == ReportStatus.FOUND_UNREGISTERED}
        Registration.objects.filter(pk__in=found).update(origin=Origin.FOUND)
        self.log(f"{len(reports)} reports, {len(found)} works found unregistered")
        return len(reports)

    # --- incidents ----------------------------------------------------------------

    def create_incidents(self, works):
        """Huli's incidents of 2023 and 2024 (SEED_INCIDENTS), on works of their
        kind under way at the time, for the years the generated works cover."""
        incidents = []
        for year, kind, incident_type, number in SEED_INCIDENTS:
            candidates = [
                work for work in works if work.kind == kind and work.planned_start.year == year and work.window
            ]
            for _ in range(number * self.incident_factor if candidates else 0):
                work = self.rng.choice(candidates)
                first, last = work.window
                incidents.append(
                    Incident(
                        occurred_on=first + datetime.timedelta(days=self.rng.randrange((last - first).days + 1)),
                        street_id=work.street_id,
                        community_id=work.community_id,
                        registration_id=work.pk,
                        kind=kind,
                        incident_type=incident_type,
                        severity=IncidentSeverity.GENERAL if self.rng.random() < 0.3 else IncidentSeverity.MINOR,
                        injuries=1,
                        summary=INCIDENT_SUMMARIES[incident_type],
                    )
                )
        Incident.objects.bulk_create(incidents)
        return len(incidents)

    def run(self, works, inspections, hazard_rate, reports=None):
        """Create everything; return the counts of rows created. ``reports``
        defaults to one per 20 works (an assumption: the evaluation gives no figure)."""
        timestamps = _fields(Registration, "submitted_at", "updated_at") + _fields(StatusChange, "created_at")
        with explicit_timestamps(*timestamps, *_fields(Inspection, "created_at")):
            with transaction.atomic():
                created = self.create_works(works)
            totals = self.create_inspections(created, inspections, hazard_rate)
        with transaction.atomic():
            totals["reports"] = self.create_reports(created, works // 20 if reports is None else reports)
            totals["incidents"] = self.create_incidents(created)
        return {"works": len(created), **totals}

    @property
    def years(self):
        return list(range(self.start.year, self.today.year + 1))
