"""Demo content: the notice leaflet (纳管须知), written for the public.

The text is short on purpose: it must still print on one A4 sheet.
"""

from home.models import LeafletPage

from .site import ensure_child

TITLE = "小散工程和零星作业安全生产纳管须知"


def _heading(text):
    return {"type": "heading", "value": {"text": text}}


def _paragraph(text):
    return {"type": "paragraph", "value": text}


def _list(items, title="", numbered=False):
    return {"type": "list", "value": {"title": title, "items": items, "numbered": numbered}}


def _callout(title, html):
    return {"type": "callout", "value": {"title": title, "text": html}}


BODY = [
    _paragraph(
        "在湖里区进行的小型工程、房屋装修和设备安装维修，都纳入安全生产管理。"
        "动工之前先登记，施工期间接受巡查，完工以后办理核销，"
        "既保护作业工人，也保护左邻右舍。"
    ),
    _heading("哪些属于小散工程"),
    _list(
        [
            "限额以下的小型房屋建筑、市政基础设施工程",
            "水利、交通、港口、电力、通信、园林绿化等建设工程",
            "各类地下管线的施工",
            "商铺、办公室等非住宅房屋的装饰装修",
            "住宅的室内装饰装修",
        ]
    ),
    _heading("哪些属于零星作业"),
    _paragraph("安装、维护或者拆除空调、太阳能热水器、智能监控、雨棚、防盗网等配套设备设施的作业。"),
    _callout(
        "怎样算限额以下",
        "<p>按国家规定，投资额30万元以下或者建筑面积300平方米以下的工程，不需要办理施工许可证，"
        "属于这里说的小散工程。本地限额如有调整，以街道工作人员的答复为准。</p>"
        "<p>临时建设工程不在此列，请按临时建设的有关规定办理。</p>",
    ),
    _heading("纳管的四个环节"),
    _list(
        [
            "信息登记：开工前，业主或施工单位登记工程信息",
            "日常巡查：街道聘请的专职安全员到现场检查",
            "执法处置：发现违法违规行为，交由执法部门处理",
            "完工核销：工程结束后，及时办理完工核销",
        ],
        numbered=True,
    ),
    _heading("业主和施工单位要做到"),
    _list(
        [
            "先登记、后开工，登记后领取登记回执",
            "把登记回执张贴在施工现场的醒目位置",
            "配合专职安全员检查，发现隐患及时整改",
            "在工业厂区、学校、医院等特定区域内施工的，建设单位或业主要主动配合街道纳管",
            "鼓励购买安全生产责任险，减少出事后的赔偿纠纷",
        ]
    ),
    _paragraph("住宅小区内的工程，可以请物业服务企业代业主登记并打印回执。"),
    _heading("重点防范六类事故"),
    _list(
        [
            "高坠：高处作业必须系好安全带；安装空调外机、防盗网时尤其要当心，近年零星作业的高坠事故有所上升",
            "触电：临时用电规范接线，不乱拉电线",
            "消防：动火前清走可燃物，现场备好灭火器",
            "物体打击：作业点下方设置警戒区，工具材料放稳",
            "坍塌：拆墙、开挖前先确认结构安全，不擅自拆改承重墙",
            "中毒：进入管井、化粪池等有限空间前，先通风、再检测",
        ]
    ),
    _heading("怎样登记"),
    _paragraph(
        "用手机扫描本页二维码，填写工程信息即可在线登记。登记成功后会得到带编号的登记回执，"
        "凭编号可以查询办理情况。不方便上网的，可以向所在社区或街道咨询。"
    ),
]


def load(home):
    """Create the leaflet under the home page if it is missing; never overwrite it."""
    page, created = ensure_child(
        home,
        LeafletPage,
        "leaflet",
        title=TITLE,
        subtitle="限额以下的工程和作业，开工前请先登记",
        body=BODY,
        qr_caption="扫码在线登记",
        show_in_menus=True,
    )
    return [f"Leaflet created: {page.title}"] if created else []
