"""Demo content: measures (政策法规).

The city's 2021 measures, their 2025 revised draft with its drafting
explanation, and Huli's expired implementing rules, linked to each other.
The text is written for the demo from the facts in shared/domain.md and the
seed documents; dates without a known day are left empty rather than invented.

Idempotent: pages that exist are left alone, and a page's relations and
attachment are added only in the run that creates it.
"""

import datetime
import io
import re
import uuid

from django.core.files.base import ContentFile
from django.utils.html import escape

from home.models import PolicyAttachment, PolicyDocumentPage, PolicyIndexPage, PolicyRelation
from home.models.policies import PolicyStatus, RelationKind, build_outline

from .site import ensure_child

SCOPE_SMALL_WORKS = (
    "（一）小型房屋建筑工程和市政基础设施工程；",
    "（二）水利、交通、港口、电力、通信、园林绿化等建设工程；",
    "（三）各类地下管线施工工程；",
    "（四）非住宅类房屋装饰装修工程；",
    "（五）住宅室内装饰装修工程。",
)
SCOPE_SPORADIC = (
    "本办法所称零星作业，是指空调、太阳能热水器、智能监控、雨棚、防盗网等非主体工程配套设施设备的安装、维护和拆除作业。"
)


def _html(paragraphs):
    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    return "".join(f"<p>{escape(text)}</p>" for text in paragraphs)


def chapter(title, *articles):
    """A chapter block in StreamField's raw form; each article is a string or a list of paragraphs."""
    return {
        "type": "chapter",
        "value": {
            "title": title,
            "articles": [{"type": "item", "id": str(uuid.uuid4()), "value": {"text": _html(a)}} for a in articles],
        },
    }


def section(title, *paragraphs):
    return {"type": "section", "value": {"title": title, "text": _html(list(paragraphs))}}


CITY_MEASURES_BODY = [
    chapter(
        "总则",
        "为了加强本市小散工程和零星作业的安全生产管理，预防和减少生产安全事故，保障人民群众生命财产安全，"
        "依据《中华人民共和国安全生产法》《建设工程安全生产管理条例》等法律法规，结合本市实际，制定本办法。",
        [
            "本办法适用于本市行政区域内小散工程和零星作业的安全生产纳管工作。",
            "本办法所称小散工程，是指依法无需办理施工许可的限额以下工程，包括：",
            *SCOPE_SMALL_WORKS,
            SCOPE_SPORADIC,
        ],
        "小散工程的限额标准按照国家和本省有关规定执行。国家规定工程投资额在30万元以下或者建筑面积在300平方米以下的"
        "建筑工程可以不申请办理施工许可证；省、市另有规定的，从其规定。",
        "小散工程和零星作业安全生产纳管工作坚持属地管理、分级负责、谁主管谁负责的原则，实行专职巡查与群众监督相结合。",
        "区人民政府对本辖区小散工程和零星作业的安全生产纳管工作负总责；镇人民政府、街道办事处负责具体组织实施。",
    ),
    chapter(
        "主体责任",
        "建设单位或者业主对小散工程和零星作业的安全生产负主体责任，应当将工程或者作业交给具备相应能力的施工单位"
        "或者个人实施，并以书面形式约定双方的安全生产责任。",
        "施工单位应当建立安全生产责任制度，对作业人员进行安全教育和安全技术交底，配备符合国家标准的劳动防护用品，"
        "并督促作业人员正确佩戴、使用。",
        "从事高处作业、电工作业、焊接与热切割作业等特种作业的人员，应当按照国家有关规定取得相应资格，持证上岗。",
        "建设单位或者业主应当在开工前办理信息登记，也可以委托施工单位代为办理。物业服务企业可以为本物业管理区域内的"
        "业主代为办理信息登记。",
        "物业服务企业发现本物业管理区域内的小散工程或者零星作业未办理信息登记，或者存在明显安全隐患的，"
        "应当予以劝阻，并及时向所在镇（街）报告。",
    ),
    chapter(
        "属地监管职责",
        "区人民政府应当建立小散工程和零星作业安全生产纳管工作机制，将纳管工作经费列入财政预算，"
        "协调解决纳管工作中的重大问题。",
        "镇人民政府、街道办事处负责组织本辖区小散工程和零星作业的信息登记、日常巡查和隐患排查，"
        "可以通过购买服务的方式配备专职安全员。",
        "村（居）民委员会协助镇（街）收集本村（居）小散工程和零星作业的登记信息，开展日常巡查，建立作业台账。",
        "专职安全员应当按照规定的频次巡查已登记的小散工程和零星作业。发现安全隐患的，应当督促现场负责人立即整改；"
        "拒不整改的，及时报告所在镇（街）。",
    ),
    chapter(
        "部门职责分工",
        "住房和建设部门负责统筹指导全市小散工程和零星作业安全生产纳管工作，组织编制有关技术指引和培训教材。",
        "应急管理部门负责安全生产综合监督管理，指导协调生产安全事故的调查处理。",
        "城市管理行政执法、市场监督管理等部门按照各自职责，依法查处小散工程和零星作业中的违法违规行为。",
        "水利、交通、港口、电力、通信、园林绿化等行业主管部门，负责本行业领域小散工程的安全生产监督管理。",
    ),
    chapter(
        "纳管工作程序",
        "小散工程和零星作业开工前，建设单位或者业主应当登记工程或者作业的地点、内容、工期、施工单位和现场负责人等信息。"
        "登记完成后取得登记回执，并在作业现场显著位置张贴。",
        "镇（街）应当及时审核登记信息，建立台账，将已登记的工程和作业纳入日常巡查范围。",
        "巡查中发现违法违规行为的，巡查人员应当当场制止，并移交有关执法部门依法处置；发现重大事故隐患的，"
        "应当责令立即停止作业。",
        "镇（街）和村（居）应当通过宣传折页、宣教视频等方式，向群众普及小散工程和零星作业的安全知识。",
    ),
    chapter(
        "惩处与考核",
        "违反本办法规定的，由有关部门依照法律、法规的规定予以处理；构成犯罪的，依法追究刑事责任。",
        "有关部门和镇（街）的工作人员在纳管工作中玩忽职守、滥用职权、徇私舞弊的，依法依规追究责任。",
        "市人民政府将小散工程和零星作业安全生产纳管工作纳入安全生产工作考核内容。",
    ),
    chapter(
        "附则",
        "各区人民政府可以结合本辖区实际制定实施细则。",
        "本办法自印发之日起施行。",
    ),
]

REVISED_DRAFT_BODY = [
    chapter(
        "总则",
        [
            "本办法适用于本市行政区域内小散工程和零星作业的安全生产纳管工作。",
            "本办法所称小散工程，是指依法无需办理施工许可的限额以下工程，包括：",
            *SCOPE_SMALL_WORKS,
            SCOPE_SPORADIC,
        ],
        "临时建设工程不适用本办法，依照《厦门市临时建设批后监管工作规程》等有关规定实施监管。",
        "小散工程和零星作业安全生产纳管实行区人民政府负属地责任，镇（街）负监管责任，村（居）民委员会负督促落实责任，"
        "建设单位或者业主、生产经营单位负主体责任。",
        "日常安全巡查以专职安全员为主，鼓励公众参与监督。",
    ),
    chapter(
        "主体责任",
        "在工业厂区、学校、医院等特定区域内实施小散工程或者零星作业的，建设（代建）单位或者业主应当主动配合所在镇（街）"
        "的纳管工作，为巡查人员进入现场提供便利。",
        "机关、事业单位、国有企业作为建设（代建）单位或者业主的，应当依法履行安全生产管理职责，做好本单位小散工程和零星作业的纳管工作。",
        "社区或者物业小区可以委托监理单位对小散工程实施监理，增强预防和控制事故的能力。",
        "鼓励建设单位、生产经营单位投保安全生产责任保险，增强抵御施工安全风险的能力。",
    ),
    chapter(
        "属地监管职责",
        "区人民政府负责落实机构、制度、经费、执法和平台（巡查系统）五项保障。",
        "镇（街）可以向物业服务企业等第三方购买服务开展日常巡查。日常安全巡查应当由具备专业能力的人员实施，"
        "不得交由社区网格员承担。",
        "社区网格员负责为巡查人员引路，发现问题及时吹哨报告，不承担专业技术隐患排查工作。",
    ),
    chapter(
        "部门职责分工",
        "各区应当结合实际建立日常巡查系统，运用信息化手段加强日常安全巡查。",
    ),
    chapter(
        "纳管工作程序",
        "小散工程和零星作业按照信息登记、日常巡查、执法处置、完工核销四个环节实施纳管。",
        "工程或者作业完工后，巡查人员应当督促指导建设单位或者业主办理完工核销；巡查中确认已完工的，巡查人员也可以直接办理核销。",
    ),
    chapter(
        "惩处与考核",
        "物业管理区域内小散工程和零星作业的纳管工作情况，纳入物业服务企业年度星级评价。",
    ),
    chapter(
        "附则",
        "各区人民政府应当制定实施细则，明确区级部门职责分工，建立定期例会、会商研判、执法处置等工作机制。",
        "本办法自印发之日起施行。",
    ),
]

EXPLANATION_BODY = [
    section(
        "修订背景",
        "2021年印发的《厦门市小散工程和零星作业安全生产纳管办法》（厦府办规〔2021〕14号）已实施近三年，有效期即将届满。"
        "市住建局会同市应急局总结三年来的纳管经验，起草了修订稿。",
    ),
    section(
        "主要修订内容",
        "修订稿仍分为总则、主体责任、属地监管职责、部门职责分工、纳管工作程序、惩处与考核和附则，主要变化如下：",
        "在总则中，明确临时建设工程另按临时建设批后监管的规定管理，并写明区、镇（街）、村（居）和建设单位、生产经营单位的“四个责任”。",
        "在主体责任中，要求工业厂区、学校、医院等特定区域的建设单位配合纳管；明确机关、事业单位和国有企业作为业主时自行履行安全管理职责；"
        "鼓励投保安全生产责任保险。",
        "在属地监管职责中，要求区政府落实机构、制度、经费、执法、平台“五项保障”，允许镇（街）向物业服务企业等第三方购买服务，"
        "并取消了村（居）的巡查和台账任务。",
        "在纳管工作程序中，确立信息登记、日常巡查、执法处置、完工核销“四个环节”，补充了完工核销的办理方式。",
        "在惩处与考核中，将物业管理区域内的纳管情况纳入物业服务企业年度星级评价。",
    ),
    section(
        "重点说明事项",
        "一是保持政策延续。修订稿沿用了原办法的主要制度，只在总结经验的基础上作补充。",
        "二是划清纳管边界。临时建设工程不纳入本办法；特定区域内巡查人员进出不便，由建设单位或者业主主动配合。",
        "三是为基层减负。社区网格员只负责带路和吹哨，专业巡查由镇（街）购买服务、由专职安全员实施。",
    ),
    section(
        "征求意见情况",
        "修订稿先后三轮征求各区政府和有关部门共34家单位的意见，第三轮共收到4家单位的9条意见，采纳5条、部分采纳4条。",
        "2024年9月13日至23日，修订稿在市住建局网站公开征求公众意见，期间未收到反馈。",
    ),
    section(
        "公平竞争审查情况",
        "修订稿已经公平竞争审查，第三方专家提出的3条修改建议均已采纳，审查结论为不违反公平竞争审查标准。",
    ),
    section(
        "下一步工作",
        "修订稿经合法性审核后提请集体审议，拟以市政府办公厅名义印发。",
    ),
]

HULI_RULES_BODY = [
    chapter(
        "总则",
        "为落实《厦门市小散工程和零星作业安全生产纳管办法》，加强本区小散工程和零星作业安全生产管理，结合本区实际，制定本细则。",
        "本细则适用于湖里区行政区域内小散工程和零星作业的安全生产纳管工作。纳管范围按照市纳管办法的规定执行。",
    ),
    chapter(
        "职责分工",
        "区住房和建设局牵头负责全区小散工程和零星作业安全生产纳管工作，组织培训，汇总分析纳管情况。",
        "全区通过向第三方购买服务组建专职巡查队伍，按照区级3人、每个街道3人、每个社区1人的标准配备。",
        "各街道可以委托社区居民委员会、物业服务企业为辖区群众提供信息登记服务。",
        "区直各行业主管部门按照各自职责，做好本行业领域小散工程的安全生产监督管理。",
    ),
    chapter(
        "主体责任",
        "建设单位或者业主应当与生产经营单位签订安全生产协议，统筹管理作业现场，定期开展安全检查，督促问题整改。",
        "生产经营单位应当为作业人员配备安全帽、安全带等防护用品，督促一线作业人员遵守安全操作规程。",
    ),
    chapter(
        "监管制度",
        "小散工程和零星作业实行登记、巡查、执法、培训制度。",
        "受理信息登记的单位应当认真审核登记材料，建立台账，并将登记信息录入巡查系统统一管理。",
        "巡查人员应当重点检查作业现场的安全设施、作业人员的安全防护装备和是否存在违规操作，并在现场宣传安全生产知识和有关法律法规。",
        "区住房和建设局每年组织街道小散纳管员、社区网格员和专职安全员参加安全知识和业务培训。",
    ),
    chapter(
        "奖惩与考核",
        "违反安全生产法律法规的，由有关部门依法查处。",
        "工作人员在纳管工作中失职、渎职的，依法依规追究责任。",
        "区人民政府将各街道的纳管工作情况纳入年度安全生产考核。",
    ),
    chapter(
        "附则",
        "本细则由区住房和建设局负责解释。",
        "本细则自印发之日起施行，有效期三年。",
    ),
]

CITY_SLUG = "xiamen-measures-2021"
DRAFT_SLUG = "xiamen-measures-revised-draft"
EXPLANATION_SLUG = "xiamen-measures-revision-explanation"
HULI_SLUG = "huli-implementing-rules"

DOCUMENTS = [
    dict(
        slug=CITY_SLUG,
        title="厦门市小散工程和零星作业安全生产纳管办法",
        document_number="厦府办规〔2021〕14号",
        issuing_body="厦门市人民政府办公厅",
        issue_date=datetime.date(2021, 11, 29),
        effective_date=datetime.date(2021, 11, 29),
        status=PolicyStatus.IN_FORCE,
        summary="规定本市小散工程和零星作业的纳管范围、各方责任、部门分工和纳管工作程序。",
        preamble="<p>各区人民政府，市直各有关单位：</p><p>《厦门市小散工程和零星作业安全生产纳管办法》已经市人民政府同意，"
        "现印发给你们，请结合实际认真贯彻执行。</p>",
        body=CITY_MEASURES_BODY,
    ),
    dict(
        slug=DRAFT_SLUG,
        title="厦门市小散工程和零星作业安全生产纳管办法（修订稿）",
        issuing_body="厦门市住房和建设局",
        status=PolicyStatus.DRAFT,
        status_note="本稿为征求意见稿，尚未印发施行，现行规定仍为厦府办规〔2021〕14号。"
        "2024年9月13日至23日曾公开征求公众意见。",
        summary="在原办法基础上增加“四个责任”“四个环节”“五项保障”，明确临时建设工程、特定区域和基层减负等事项。",
        body=REVISED_DRAFT_BODY,
    ),
    dict(
        slug=EXPLANATION_SLUG,
        title="《厦门市小散工程和零星作业安全生产纳管办法（修订稿）》起草说明",
        issuing_body="厦门市住房和建设局",
        status=PolicyStatus.DRAFT,
        status_note="本说明随修订稿一并公开，时间为2025年3月，供了解修订背景参考。",
        summary="说明修订背景、主要修订内容、征求意见和公平竞争审查情况（2025年3月）。",
        body=EXPLANATION_BODY,
    ),
    dict(
        slug=HULI_SLUG,
        title="湖里区小散工程和零星作业安全生产纳管实施细则",
        issuing_body="湖里区人民政府",
        issue_date=datetime.date(2022, 3, 7),
        effective_date=datetime.date(2022, 3, 7),
        expiry_date=datetime.date(2025, 3, 6),
        status=PolicyStatus.EXPIRED,
        status_note="本细则有效期已届满，已经失效。区住建局正在根据市纳管办法的修订情况起草新版实施细则。",
        summary="明确湖里区三级纳管队伍、登记巡查执法培训制度和奖惩考核办法。",
        body=HULI_RULES_BODY,
    ),
]

# (from, to, what "to" is for "from"). Both directions are listed on purpose.
RELATIONS = [
    (CITY_SLUG, HULI_SLUG, RelationKind.IMPLEMENTING_RULES),
    (CITY_SLUG, DRAFT_SLUG, RelationKind.REVISED_DRAFT),
    (CITY_SLUG, EXPLANATION_SLUG, RelationKind.DRAFTING_EXPLANATION),
    (DRAFT_SLUG, CITY_SLUG, RelationKind.PREVIOUS_VERSION),
    (DRAFT_SLUG, EXPLANATION_SLUG, RelationKind.DRAFTING_EXPLANATION),
    (DRAFT_SLUG, HULI_SLUG, RelationKind.IMPLEMENTING_RULES),
    (EXPLANATION_SLUG, DRAFT_SLUG, RelationKind.REVISED_DRAFT),
    (EXPLANATION_SLUG, CITY_SLUG, RelationKind.MEASURE),
    (HULI_SLUG, CITY_SLUG, RelationKind.MEASURE),
    (HULI_SLUG, DRAFT_SLUG, RelationKind.REVISED_DRAFT),
]

FULL_TEXT_TITLE = "厦门市小散工程和零星作业安全生产纳管办法（全文）"


def full_text_pdf(page):
    """The page's numbered text as a small A4 PDF (reportlab, with the embedded Chinese font)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from home.pdf_fonts import chinese_font

    text = ParagraphStyle("text", fontName=chinese_font(), fontSize=10.5, leading=17, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=text, fontSize=13, leading=22, alignment=1, spaceBefore=8)
    story = [
        Paragraph(escape(page.title), ParagraphStyle("title", parent=heading, fontSize=16, leading=26)),
        Paragraph(escape(page.document_number), ParagraphStyle("number", parent=text, alignment=1)),
        Spacer(1, 8),
    ]
    for chapter_item in build_outline(page.body):
        story.append(Paragraph(f"{chapter_item.label}　{escape(chapter_item.title)}", heading))
        for article in chapter_item.articles:
            paragraphs = re.findall(r"<p[^>]*>(.*?)</p>", article.text.source, re.S)
            story.append(Paragraph(f"{article.label}　{paragraphs[0]}", text))
            story.extend(Paragraph(p, text) for p in paragraphs[1:])
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=page.title, author=page.issuing_body).build(story)
    return buffer.getvalue()


def ensure_full_text_document(page):
    """The measures' full-text PDF as a Wagtail document, found by title or made once."""
    from wagtail.documents import get_document_model

    document_model = get_document_model()
    document = document_model.objects.filter(title=FULL_TEXT_TITLE).first()
    if document is None:
        data = full_text_pdf(page)
        document = document_model(title=FULL_TEXT_TITLE, file_size=len(data))
        document.file.save("xiamen-measures-2021.pdf", ContentFile(data), save=False)
        document.save()
        document.get_file_hash()  # computed and stored, as an upload through the admin would
    return document


def load(home):
    report = []
    index, created = ensure_child(
        home,
        PolicyIndexPage,
        "policies",
        title="政策法规",
        show_in_menus=True,
        intro="<p>小散工程和零星作业安全生产纳管的办法、实施细则和修订情况。每份文件都标明了是否现行有效。</p>",
    )
    if created:
        report.append("Policy index created")
    pages, created_slugs = {}, set()
    for fields in DOCUMENTS:
        page, created = ensure_child(index, PolicyDocumentPage, **fields)
        pages[page.slug] = page
        if created:
            created_slugs.add(page.slug)
            report.append(f"Policy document created: {page.title}")

    # Links and the attachment go only on pages made in this run, so an
    # editor's later changes to existing pages are never touched.
    for slug in created_slugs:
        page = pages[slug]
        page.relations = [
            PolicyRelation(target=pages[target], kind=kind) for source, target, kind in RELATIONS if source == slug
        ]
        if slug == CITY_SLUG:
            page.attachments = [PolicyAttachment(document=ensure_full_text_document(page))]
        page.save_revision().publish()
    return report
