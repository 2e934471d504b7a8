"""Valid registration data for tests, with any field overridden."""

import datetime
from decimal import Decimal

from django.utils import timezone

from portal.models import Community, Street
from registration.models import ContractorType, HighRiskOperation, OwnerType, RegistrantRole, WorkCategory


def registration_data(street_code="350206001", **overrides):
    street = Street.objects.get(code=street_code)
    community = Community.objects.filter(street=street).order_by("sort_order").first()
    category = WorkCategory.objects.filter(kind="small_work").order_by("sort_order").first()
    start = timezone.localdate() + datetime.timedelta(days=7)
    data = {
        "kind": category.kind,
        "category": category,
        "street": street,
        "community": community,
        "address": "湖里区示例路1号101室",
        "special_area": "none",
        "owner_type": OwnerType.COMPANY,
        "owner_name": "厦门示例置业有限公司",
        "owner_contact": "王先生",
        "owner_mobile": "13800000001",
        "owner_uscc": "91110000600037341L",
        "contractor_type": ContractorType.ORGANISATION,
        "contractor_name": "厦门示例装饰工程有限公司",
        "contractor_uscc": "91110108551385082Q",
        "contractor_id_number": "",
        "site_manager_name": "李工",
        "site_manager_mobile": "13900000002",
        "worker_count": 6,
        "registrant_role": RegistrantRole.CONTRACTOR,
        "property_company_name": "",
        "property_company_contact": "",
        "property_company_mobile": "",
        "description": "室内装修，含水电改造",
        "planned_start": start,
        "planned_end": start + datetime.timedelta(days=30),
        "investment_yuan": Decimal("120000"),
        "floor_area_m2": Decimal("95.5"),
        "insured": False,
        "insurance_policy_number": "",
        "high_risk_operations": list(HighRiskOperation.objects.filter(code__in=["height", "temporary_power"])),
    }
    data.update(overrides)
    return data
