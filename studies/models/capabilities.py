from __future__ import annotations

from django.db import models


class Capability(models.Model):
    """Anchor for permissions that belong to a role rather than to one table.

    Unmanaged: no table exists. Django still creates its permissions, which the role groups
    receive (see studies.roles).
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = (
            ("use_radiology_workspace", "Can use the radiologist workspace"),
            ("review_analysis", "Can review flagged analyses"),
            ("resolve_consensus", "Can resolve a double-reading consensus"),
            ("refer_fracture", "Can refer a confirmed fracture to interventional radiology"),
            ("use_ir_workspace", "Can use the interventional radiology workspace"),
            ("assess_referral", "Can assess a vertebroplasty referral"),
            ("use_department_workspace", "Can use the department workspace"),
            ("view_statistics", "Can view department statistics"),
            ("upload_studies", "Can upload and import DICOM studies"),
            ("manage_pacs", "Can configure PACS connections"),
            ("view_audit_log", "Can read the audit trail"),
        )

    def __str__(self) -> str:
        return "role capability"
