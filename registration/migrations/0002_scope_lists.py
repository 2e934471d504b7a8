"""The scope lists from the city measures (categories of small works and of
sporadic operations) and the high-risk operations. Staff can edit them."""

from django.db import migrations

SMALL_WORKS = [
    "小型房屋建筑工程",
    "小型市政基础设施工程",
    "水利、交通、港口工程",
    "电力、通信工程",
    "园林绿化工程",
    "地下管线施工工程",
    "非住宅类房屋装饰装修",
    "住宅室内装饰装修",
]
SPORADIC = [
    "空调安装、维护、拆除",
    "太阳能热水器安装、维护、拆除",
    "智能监控设施安装、维护、拆除",
    "雨棚安装、维护、拆除",
    "防盗网安装、维护、拆除",
    "其他非主体工程配套设施作业",
]
HIGH_RISK = [
    ("height", "2米及以上高处作业"),
    ("hot_work", "动火作业"),
    ("temporary_power", "临时用电"),
    ("hoisting", "起重吊装"),
    ("excavation", "土方开挖"),
    ("confined_space", "有限空间作业"),
    ("demolition", "拆除作业"),
]


def load(apps, schema_editor):
    WorkCategory = apps.get_model("registration", "WorkCategory")
    HighRiskOperation = apps.get_model("registration", "HighRiskOperation")
    for kind, names in (("small_work", SMALL_WORKS), ("sporadic", SPORADIC)):
        for order, name in enumerate(names, start=1):
            WorkCategory.objects.get_or_create(kind=kind, name=name, defaults={"sort_order": order})
    for order, (code, name) in enumerate(HIGH_RISK, start=1):
        HighRiskOperation.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


def unload(apps, schema_editor):
    apps.get_model("registration", "HighRiskOperation").objects.filter(code__in=[c for c, _ in HIGH_RISK]).delete()


class Migration(migrations.Migration):
    dependencies = [("registration", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
