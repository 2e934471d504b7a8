"""Huli district's five streets (with their division codes) and their
communities. The community list is from an unofficial source of about 2021:
staff can edit it in the admin."""

from django.db import migrations

HULI_STREETS = [
    (
        "湖里街道",
        "350206001",
        "湖里 村里 徐厝 濠头 东渡 塘边 后浦 金鼎 南山 东荣 康乐 康晖 康泰 怡景 和通 新港 海天 兴华",
    ),
    ("殿前街道", "350206002", "兴隆 长乐 北站 神山 高殿 马垅 兴园 嘉福"),
    ("禾山街道", "350206003", "坂尚 钟宅 岭下 围里 枋湖 禾欣 禾盛 禾山 禾缘 五缘湾北"),
    ("江头街道", "350206004", "江头 吕厝 吕岭 园山 金尚 江村 蔡塘 后埔 金泰"),
    ("金山街道", "350206005", "高林 五通 后坑 金山 金林 金安 金海 湖边 金湖"),
]


def load_streets(apps, schema_editor):
    Street = apps.get_model("portal", "Street")
    Community = apps.get_model("portal", "Community")
    for order, (name, code, communities) in enumerate(HULI_STREETS, start=1):
        street, _ = Street.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
        for position, community in enumerate(communities.split(), start=1):
            Community.objects.get_or_create(street=street, name=community + "社区", defaults={"sort_order": position})


def unload_streets(apps, schema_editor):
    Street = apps.get_model("portal", "Street")
    Community = apps.get_model("portal", "Community")
    codes = [code for _, code, _ in HULI_STREETS]
    Community.objects.filter(street__code__in=codes).delete()
    Street.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(load_streets, unload_streets)]
