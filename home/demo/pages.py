"""Demo content: the home page text, about, privacy notice and FAQ."""

from wagtail.rich_text import RichText

from home.models import StandardPage
from portal.models import PortalSettings

from .site import ensure_child

INTRO = (
    "<p>在湖里区，达不到施工许可限额的小型工程（小散工程）和空调、防盗网、雨棚等设施的安装维修拆除（零星作业）"
    "同样要纳入安全生产管理。开工前请先登记，现场张贴登记回执，配合专职安全员巡查。</p>"
)

STEPS = [
    ("信息登记", "建设单位（业主）或施工单位在开工前如实登记工程信息，物业服务企业可以代为登记。"),
    ("日常巡查", "街道聘请的专职安全员到现场巡查，发现隐患当场告知并限期整改。"),
    ("执法处置", "拒不整改或存在重大隐患的，移交执法部门依法处置，必要时停工整改。"),
    ("完工核销", "工程完工后办理核销，巡查人员也可以根据现场情况直接核销。"),
]


def p(*paragraphs):
    return RichText("".join(f"<p>{text}</p>" for text in paragraphs))


def question(q, *answer):
    return ("question", {"question": q, "answer": p(*answer)})


def heading(text):
    return ("heading", {"text": text})


ABOUT_BODY = [
    heading("为什么要纳管"),
    (
        "paragraph",
        p(
            "小散工程和零星作业点多、面广、流动性强，作业人员安全意识相对薄弱，高处坠落等事故时有发生。",
            "2022年3月起，湖里区按照全市统一部署，对辖区内的小散工程和零星作业实行安全生产纳管。"
            "截至评估时，全区累计纳管工程两万余宗，开展巡查四十余万次，整改隐患两千余处。",
        ),
    ),
    heading("职责分工"),
    (
        "paragraph",
        p(
            "区政府负属地责任，镇（街）负监管责任，村（居）负督促落实责任，建设单位或业主、施工单位负安全生产主体责任。",
            "区、街道、社区三级队伍分工协作：社区网格员负责带路和发现问题“吹哨”，专业的安全隐患排查由街道聘请的专职安全员承担。",
        ),
    ),
    heading("五项保障"),
    ("paragraph", p("区政府落实机构、制度、经费、执法、平台（巡查系统）五项保障，本平台即是其中的信息化手段之一。")),
]

PRIVACY_BODY = [
    heading("个人信息处理者"),
    (
        "paragraph",
        p(
            "本平台由厦门市湖里区住房和建设局负责运行，各街道办事处在各自辖区内使用登记信息开展纳管工作。"
            "联系方式见本页底部的服务热线和办公地址。",
        ),
    ),
    heading("处理目的"),
    (
        "paragraph",
        p(
            "我们仅为小散工程和零星作业的安全生产纳管处理您的信息，包括登记受理、现场巡查、隐患整改通知、执法处置、完工核销和统计分析。"
            "未经您同意，不会用于其他目的，也不会向无关单位提供。",
        ),
    ),
    heading("收集的信息"),
    (
        "paragraph",
        p(
            "工程信息（类别、地址、计划工期、投资额、面积、危险作业类型）；建设单位或业主、施工单位、代登记物业企业的名称和统一社会信用代码；"
            "联系人姓名和手机号码；您自愿上传的现场照片和合同。我们不收集身份证号码，除非办理具体事项确有必要并另行告知。",
        ),
    ),
    heading("保存期限"),
    (
        "paragraph",
        p(
            "登记及巡查记录自工程完工核销之日起保存五年，期满后删除或匿名化处理；法律、行政法规另有规定的，从其规定。",
        ),
    ),
    heading("您的权利"),
    (
        "paragraph",
        p(
            "您有权查阅、复制、更正、补充您的个人信息，有权要求删除不再需要的信息，有权撤回同意，并可要求我们解释处理规则。"
            "请拨打服务热线或到办公地点提出申请，我们将在十五个工作日内答复。对答复有异议的，可以向网信部门投诉。",
        ),
    ),
    heading("安全措施"),
    (
        "paragraph",
        p(
            "登记信息只有经授权的工作人员按所属街道查看；上传的附件不对外公开；公开核验页面不显示手机号码和个人业主姓名。"
        ),
    ),
]

FAQ_BODY = [
    question(
        "哪些工程需要在这里登记？",
        "限额以下的小型房屋建筑和市政工程、各类管线工程、住宅室内装修、非住宅装修等小散工程，"
        "以及空调、太阳能热水器、监控、雨棚、防盗网的安装、维修、拆除等零星作业，都需要在开工前登记。",
    ),
    question(
        "限额是多少？",
        "按国家规定，工程投资额在30万元以下或者建筑面积在300平方米以下的，可以不办理施工许可证，属于小散工程。"
        "具体标准以本平台公布的现行标准为准，不确定的可以先做“是否需要登记”自查。",
    ),
    question(
        "临时建设工程也在这里登记吗？",
        "不在这里登记。临时建设工程按照厦门市临时建设批后监管的相关规定管理，请向所在街道咨询。",
    ),
    question(
        "谁来登记？",
        "建设单位或业主负主体责任，可以自己登记，也可以由施工单位代为登记；住宅小区内的工程，物业服务企业可以代业主登记。",
    ),
    question(
        "登记后要做什么？",
        "打印或保存登记回执，张贴在施工现场显眼位置；配合专职安全员巡查，按要求整改隐患；完工后办理核销。",
    ),
    question(
        "工厂、学校、医院里面的工程怎么办？",
        "同样需要登记。这些区域巡查人员不便进入，建设单位或业主应当主动配合街道的纳管工作。",
    ),
    question("一定要买保险吗？", "鼓励购买安全生产责任险，发生事故时可以减轻赔偿压力，减少纠纷。"),
]

PAGES = [
    ("about", "关于纳管", "湖里区小散工程和零星作业安全生产纳管的由来、职责分工和保障措施。", ABOUT_BODY, True),
    ("faq", "常见问题", "登记范围、限额标准、登记主体和登记后的要求。", FAQ_BODY, True),
    ("privacy", "个人信息保护告知", "我们如何处理您在本平台登记的个人信息，以及您享有的权利。", PRIVACY_BODY, False),
]


def load(home):
    report = []
    if not home.intro and not home.steps:
        home.intro = INTRO
        home.steps = [("step", {"title": title, "text": text}) for title, text in STEPS]
        home.save_revision().publish()
        report.append("Home page text added")
    for slug, title, summary, body, in_menu in PAGES:
        page, created = ensure_child(
            home, StandardPage, slug, title=title, summary=summary, body=body, show_in_menus=in_menu
        )
        if created:
            report.append(f"Page created: {title}")
        if slug == "privacy":
            settings = PortalSettings.load()
            if settings.privacy_page_id is None:
                settings.privacy_page = page
                settings.save(update_fields=["privacy_page"])
    return report
