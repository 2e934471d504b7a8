"""Demo content: notices (通知公告)."""

import datetime

from wagtail.rich_text import RichText

from home.models import NoticeIndexPage, NoticePage

from .site import ensure_child

NOTICES = [
    (
        "online-registration",
        datetime.date(2026, 9, 1),
        "关于小散工程和零星作业网上登记的公告",
        "即日起，小散工程和零星作业可以通过本平台在开工前自助登记。",
        [
            "即日起，建设单位（业主）、施工单位和物业服务企业可以通过本平台自助登记小散工程和零星作业，登记成功后即可打印登记回执。",
            "原在街道办理纸质登记的渠道继续保留。登记中遇到问题，请拨打服务热线咨询。",
        ],
    ),
    (
        "typhoon-season",
        datetime.date(2026, 7, 10),
        "台风季节小散工程和零星作业安全提示",
        "台风来临前请停止高处作业，加固脚手架、雨棚和空调外机。",
        [
            "台风预警发布后，应当立即停止室外高处作业和吊装作业，加固或拆除临时设施，清理阳台、屋面上的易坠物。",
            "雨棚、防盗网和空调外机的安装维修作业，台风过后应当先检查支架和固定件，确认安全后再恢复作业。",
        ],
    ),
    (
        "aircon-falls",
        datetime.date(2026, 5, 20),
        "关于防范空调安装维修高处坠落的提示",
        "零星作业高坠事故有所上升，安装空调外机必须系好安全带。",
        [
            "评估数据显示，2024年零星作业发生6起高处坠落事件，高于小散工程，零星作业已成为需要重点防范的风险。",
            "空调外机安装、维修和拆除属于高处作业，作业人员必须系挂安全带并设置可靠的挂点，严禁在无防护的情况下探身窗外作业。",
        ],
    ),
    (
        "training-2026",
        datetime.date(2026, 3, 15),
        "关于开展2026年度小散工程纳管业务培训的通知",
        "面向街道小散纳管员、社区网格员和专职安全员的年度培训安排。",
        [
            "为提升纳管队伍业务能力，区住建局将分批组织街道小散纳管员、社区网格员、专职安全员参加安全知识和业务培训。",
            "培训内容包括纳管工作流程、常见隐患识别、高坠和触电事故防范等，具体时间和地点另行通知。",
        ],
    ),
    (
        "measures-revision",
        datetime.date(2025, 3, 28),
        "关于《厦门市小散工程和零星作业安全生产纳管办法（修订稿）》的说明",
        "修订稿新增“四个责任”“四个环节”“五项保障”等内容。",
        [
            "市政府办公厅印发的纳管办法已实施近三年，市住建局会同市应急局总结经验，起草了修订稿。",
            "修订稿明确了信息登记、日常巡查、执法处置和完工核销四个环节，并将物业管理区域内的纳管情况纳入物业服务企业年度星级评价。",
        ],
    ),
    (
        "spring-festival",
        datetime.date(2026, 1, 20),
        "春节前后小散工程安全生产提示",
        "节前收尾和节后复工是事故易发时段，请落实安全交底。",
        [
            "春节前后工期紧、人员流动大，请建设单位和施工单位做好节前收尾和节后复工的安全检查与安全交底。",
            "复工前应当检查临时用电线路和漏电保护装置，确认无误后方可作业。",
        ],
    ),
]


def load(home):
    report = []
    index, created = ensure_child(
        home,
        NoticeIndexPage,
        "notices",
        title="通知公告",
        show_in_menus=True,
        intro="<p>湖里区小散工程和零星作业安全生产纳管的通知、公告和安全提示。</p>",
    )
    if created:
        report.append("Notice index created")
    for slug, date, title, summary, paragraphs in NOTICES:
        body = [("paragraph", RichText("".join(f"<p>{text}</p>" for text in paragraphs)))]
        _page, created = ensure_child(index, NoticePage, slug, title=title, date=date, summary=summary, body=body)
        if created:
            report.append(f"Notice created: {title}")
    return report
