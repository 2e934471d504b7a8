"""Back-office demo content: the role groups, street staff logins and a few
works in every status across the streets. Idempotent: the logins are only
created when missing and the works only when no demo work exists yet."""

import datetime
import io
from decimal import Decimal

from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from portal.demo import DEMO_USERS, ensure_user
from portal.models import Community, StaffProfile, Street

from . import aftercare, roles, services
from .backoffice import actions as backoffice
from .models import (
    ContractorType,
    Hazard,
    HighRiskOperation,
    Inspection,
    InspectionResult,
    OwnerType,
    RegistrantRole,
    Registration,
    Report,
    Satisfaction,
    Status,
    WorkCategory,
)
from .reports import services as report_services

HULI, DIANQIAN, HESHAN, JIANGTOU, JINSHAN = "350206001", "350206002", "350206003", "350206004", "350206005"

# username -> (full name, role, street codes)
STAFF = {
    "district_admin": ("区级管理员（演示）", roles.DISTRICT_ADMIN, []),
    "officer_huli": ("湖里街道纳管员（演示）", roles.STREET_OFFICER, [HULI]),
    "inspector_huli": ("湖里街道专职安全员（演示）", roles.SAFETY_INSPECTOR, [HULI]),
    "officer_jiangtou": ("江头街道纳管员（演示）", roles.STREET_OFFICER, [JIANGTOU]),
    "grid_huli": ("湖里街道社区网格员（演示）", roles.GRID_WORKER, [HULI]),
    "editor": ("内容编辑（演示）", roles.CONTENT_EDITOR, []),
}
# The demo summary prints every login in DEMO_USERS.
DEMO_USERS.update({username: (name, False) for username, (name, _role, _streets) in STAFF.items()})

DEMO_MARKER = "（演示）"

# How each demo work gets to its status from 待受理 (submitted).
PATHS = {
    Status.SUBMITTED: [],
    Status.RETURNED: [(Status.RETURNED, "请补充施工合同")],
    Status.UNDER_WAY: [(Status.UNDER_WAY, "")],
    Status.STOPPED: [(Status.UNDER_WAY, ""), (Status.STOPPED, "临边防护缺失，停工整改")],
    Status.COMPLETED: [(Status.UNDER_WAY, ""), (Status.COMPLETED, "")],
    Status.WITHDRAWN: [(Status.WITHDRAWN, "业主取消施工")],
}
STREET_ORDER = [HULI, JIANGTOU, DIANQIAN, HESHAN, JINSHAN]


def ensure_staff():
    users = {}
    for username, (full_name, role, street_codes) in STAFF.items():
        user = ensure_user(username, full_name, groups=[Group.objects.get(name=role)])
        profile, _created = StaffProfile.objects.get_or_create(user=user)
        wanted = set(Street.objects.filter(code__in=street_codes).values_list("pk", flat=True))
        if set(profile.streets.values_list("pk", flat=True)) != wanted:
            profile.streets.set(wanted)
        if role == roles.GRID_WORKER and not profile.communities.exists():
            profile.communities.set(Community.objects.filter(street__code__in=street_codes).order_by("sort_order")[:1])
        users[username] = user
    return users


# (subject, address, what was seen, reporter's mobile): reports waiting for 湖里街道's triage.
DEMO_REPORTS = [
    ("unregistered", "湖里区华昌路12号3楼外墙" + DEMO_MARKER, "有人在外墙装空调外机，楼下没有登记回执", "13700000009"),
    ("unsafe", "湖里区兴隆路5号" + DEMO_MARKER, "脚手架没有防护栏杆，工人在4米高处作业", ""),
]


def ensure_reports(users):
    """Two reports waiting in 湖里街道, one of them from the demo grid worker."""
    if Report.objects.filter(address__endswith=DEMO_MARKER).exists():
        return 0
    place = Community.objects.filter(street__code=HULI).order_by("sort_order").first()
    for index, (subject, address, description, mobile) in enumerate(DEMO_REPORTS):
        report_services.submit_report(
            {
                "subject": subject,
                "street": place.street,
                "community": place,
                "address": address,
                "description": description,
                "reporter_mobile": mobile,
            },
            reported_by=users["grid_huli"] if index else None,
        )
    return len(DEMO_REPORTS)


def _work_data(index, street):
    community = Community.objects.filter(street=street).order_by("sort_order", "pk")[index % 3]
    kind = "small_work" if index % 2 == 0 else "sporadic"
    category = WorkCategory.objects.filter(kind=kind).order_by("sort_order", "pk").first()
    start = timezone.localdate() + datetime.timedelta(days=index * 3 - 15)
    # Every other sporadic job is done by an installer working on their own.
    by_person = kind == "sporadic" and index % 4 == 1
    return {
        "kind": kind,
        "category": category,
        "street": street,
        "community": community,
        "address": f"{street.name}{community.name}示例路{index + 1}号{DEMO_MARKER}",
        "special_area": "none",
        "owner_type": OwnerType.INDIVIDUAL if index % 3 else OwnerType.COMPANY,
        "owner_name": ["厦门湖滨置业有限公司", "陈美华", "林建国"][index % 3],
        "owner_contact": "陈女士",
        "owner_mobile": f"1380000{index:04d}",
        "owner_uscc": "91110000600037341L" if index % 3 == 0 else "",
        "contractor_type": ContractorType.INDIVIDUAL if by_person else ContractorType.ORGANISATION,
        "contractor_name": "张志明"
        if by_person
        else ["厦门鹭江装饰工程有限公司", "厦门五缘机电安装有限公司"][index % 2],
        "contractor_uscc": "" if by_person else "91110108551385082Q",
        "contractor_id_number": "35020619850302123X" if by_person else "",
        "site_manager_name": "张志明" if by_person else "李工",
        "site_manager_mobile": f"1390000{index:04d}",
        "worker_count": 3 + index,
        "registrant_role": RegistrantRole.CONTRACTOR,
        "property_company_name": "",
        "property_company_contact": "",
        "property_company_mobile": "",
        "description": "室内装修，含水电改造" if kind == "small_work" else "更换空调外机",
        "planned_start": start,
        "planned_end": start + datetime.timedelta(days=30),
        "investment_yuan": Decimal(20000 + index * 5000) if kind == "small_work" else None,
        "floor_area_m2": Decimal(60 + index) if kind == "small_work" else None,
        "insured": index % 2 == 0,
        "insurance_policy_number": f"PICC-DEMO-{index:04d}" if index % 2 == 0 else "",
        "high_risk_operations": list(HighRiskOperation.objects.order_by("sort_order")[: index % 3]),
    }


def _demo_streets():
    """Three works per status: one in 湖里 and one in 江头 (the demo officers'
    streets, so each sees every status) and one in another street."""
    others = STREET_ORDER[2:]
    for number, (status, path) in enumerate(PATHS.items()):
        for code in (HULI, JIANGTOU, others[number % len(others)]):
            yield code, status, path


def _act(work, to_status, reason, officer):
    """Move a demo work on as staff would, so its history (办理记录) reads true."""
    if to_status == Status.RETURNED:
        return backoffice.return_for_correction(work, officer, reason)
    if to_status == Status.STOPPED:
        return backoffice.stop_work(work, officer, reason)
    if to_status == Status.UNDER_WAY:
        return (
            backoffice.release(work, officer, "整改完成")
            if work.status == Status.STOPPED
            else backoffice.accept(work, officer)
        )
    if to_status == Status.COMPLETED:
        return backoffice.write_off(work, officer)
    return services.change_status(work, to_status, by=officer, reason=reason)


DEMO_RATINGS = [
    (Satisfaction.VERY_SATISFIED, ""),
    (Satisfaction.FAIRLY_SATISFIED, "核销等了一周"),
    (Satisfaction.SATISFIED, ""),
]


def _finished_site_photo():
    """A small JPEG standing in for the registrant's photo of the cleared site."""
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (180, 190, 200)).save(buffer, "JPEG")
    photo = ContentFile(buffer.getvalue(), name="完工现场.jpg")
    photo.content_type = "image/jpeg"
    return photo


def ensure_works(users):
    """Works in every status across the streets; a routine inspection on the
    works under way, and one with an overdue hazard on the stopped ones."""
    if Registration.objects.filter(address__endswith=DEMO_MARKER).exists():
        return 0
    streets = {street.code: street for street in Street.objects.all()}
    created = 0
    for index, (code, status, path) in enumerate(_demo_streets()):
        street = streets[code]
        officer = users["officer_jiangtou"] if street.code == JIANGTOU else users["district_admin"]
        work = services.create_registration(_work_data(index, street))
        for to_status, reason in path:
            _act(work, to_status, reason, officer)
        inspector = users["inspector_huli"] if street.code == HULI else users["district_admin"]
        if status == Status.UNDER_WAY:
            Inspection.objects.create(
                registration=work,
                inspector=inspector,
                result=InspectionResult.NO_HAZARD,
                notes="现场防护到位，持证上岗",
            )
            if code == HULI:  # the registrant reports it finished: an officer can confirm it
                aftercare.request_completion(
                    work, timezone.localdate(), _finished_site_photo(), "脚手架已拆除，现场已清理"
                )
        if status == Status.COMPLETED:
            level, reason = DEMO_RATINGS[index % len(DEMO_RATINGS)]
            aftercare.rate_service(work, level, reason)
        if status == Status.STOPPED:
            inspection = Inspection.objects.create(
                registration=work,
                inspector=inspector,
                result=InspectionResult.STOP_WORK,
                notes="临边未设防护栏杆",
            )
            Hazard.objects.create(
                inspection=inspection,
                registration=work,
                category="fall_protection",
                description="阳台临边无防护",
                deadline=timezone.localdate() - datetime.timedelta(days=2),
            )
        created += 1
    return created


def load():
    roles.sync_roles(django_apps)
    users = ensure_staff()
    created = ensure_works(users)
    reports = ensure_reports(users)
    return [f"Back office: {len(users)} staff logins, {created} demo works and {reports} reports created"]
