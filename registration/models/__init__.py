"""Registration models: the works themselves, and the back office's records."""

from .backoffice import (
    EnforcementReferral,
    Hazard,
    HazardCategory,
    Inspection,
    InspectionResult,
    OutboundMessage,
    OutboxStatus,
)
from .works import (
    Attachment,
    AttachmentKind,
    HighRiskOperation,
    OwnerType,
    ReferenceCounter,
    RegistrantRole,
    Registration,
    SpecialArea,
    Status,
    StatusChange,
    WorkCategory,
    WorkKind,
    attachment_path,
    new_verify_token,
    private_storage,
)

__all__ = [
    "Attachment", "AttachmentKind", "EnforcementReferral", "Hazard", "HazardCategory", "HighRiskOperation",
    "Inspection", "InspectionResult", "OutboundMessage", "OutboxStatus", "OwnerType", "ReferenceCounter",
    "RegistrantRole", "Registration", "SpecialArea", "Status", "StatusChange", "WorkCategory", "WorkKind",
    "attachment_path", "new_verify_token", "private_storage",
]
