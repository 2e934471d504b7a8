"""The standard checklists an inspector starts with, and the grid workers'
role. Staff edit the checklists as snippets afterwards; this only adds the
ones that are missing."""

from django.db import migrations

# name -> (category names, high-risk operation codes, items (text, hazard category, days to rectify))
CHECKLISTS = {
    "通用现场检查": (
        [],
        [],
        [
            ("现场张贴纳管登记回执（二维码）", "other", 1),
            ("作业人员佩戴安全帽、穿防滑鞋", "struck_by", 0),
            ("作业区域设置围挡和警示标志", "struck_by", 1),
            ("灭火器配备到位且在有效期内", "fire", 1),
        ],
    ),
    "高处作业": (
        [],
        ["height"],
        [
            ("作业人员系挂安全带，安全绳固定在可靠处", "fall_protection", 0),
            ("脚手架或作业平台稳固，临边有防护栏杆", "fall_protection", 1),
            ("作业点下方设置警戒区并有人看护", "struck_by", 0),
        ],
    ),
    "临时用电": (
        [],
        ["temporary_power"],
        [
            ("配电箱装有漏电保护器且动作正常", "temporary_power", 1),
            ("电线无破损，不拖地、不浸水", "temporary_power", 1),
            ("一机一闸一漏，配电箱上锁", "temporary_power", 3),
        ],
    ),
    "动火作业": (
        [],
        ["hot_work"],
        [
            ("动火经审批，有专人监护", "hot_work", 0),
            ("动火点周边可燃物已清理", "fire", 0),
            ("动火点旁配有灭火器材", "fire", 0),
        ],
    ),
    "空调等外机安装": (
        ["空调安装、维护、拆除", "太阳能热水器安装、维护、拆除"],
        [],
        [
            ("室外机支架牢固，膨胀螺栓数量足够", "struck_by", 1),
            ("外墙作业人员使用独立安全绳", "fall_protection", 0),
            ("作业人员持有效特种作业操作证", "other", 3),
        ],
    ),
}


def load(apps, schema_editor):
    Checklist = apps.get_model("registration", "Checklist")
    ChecklistItem = apps.get_model("registration", "ChecklistItem")
    WorkCategory = apps.get_model("registration", "WorkCategory")
    HighRiskOperation = apps.get_model("registration", "HighRiskOperation")
    for order, (name, (categories, operations, items)) in enumerate(CHECKLISTS.items()):
        checklist, created = Checklist.objects.get_or_create(name=name, defaults={"sort_order": order})
        if not created:
            continue
        # Through the link tables: a parental many-to-many is written only by a ClusterableModel's save.
        Checklist.categories.through.objects.bulk_create(
            Checklist.categories.through(checklist_id=checklist.pk, workcategory_id=pk)
            for pk in WorkCategory.objects.filter(name__in=categories).values_list("pk", flat=True)
        )
        Checklist.high_risk_operations.through.objects.bulk_create(
            Checklist.high_risk_operations.through(checklist_id=checklist.pk, highriskoperation_id=pk)
            for pk in HighRiskOperation.objects.filter(code__in=operations).values_list("pk", flat=True)
        )
        for position, (text, category, days) in enumerate(items):
            ChecklistItem.objects.create(
                checklist=checklist, sort_order=position, text=text, hazard_category=category, deadline_days=days
            )
    # Work at height and hot work need a closer eye than the category's weekly visit.
    HighRiskOperation.objects.filter(code__in=["height", "hot_work", "confined_space"]).update(
        inspection_interval_days=3
    )


def sync_roles(apps, schema_editor):
    from portal.roles import create_model_permissions
    from registration.roles import sync_roles

    create_model_permissions(apps)
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0012_field_work_and_reports"),
        ("portal", "0008_staff_communities"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
