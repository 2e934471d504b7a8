import segno
from crispy_forms.templatetags.crispy_forms_tags import CrispyFormNode
from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from wagtail.models import Site

from portal.page_cache import memoised
from portal.pages import ancestors, menu_links

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """Top-level pages marked 'show in menus', from memory (portal.pages.menu_links)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    links = menu_links(request, site) if site else []
    page = context.get("page")
    path = request.path if request else ""
    # The two services people come for, always in the menu (a phone shows every entry).
    register_url, status_url = reverse("registration:form"), reverse("registration:status")
    return {
        "menu_links": links,
        "current_path": path,
        "current_url_path": page.url_path if page is not None else "",
        "register_url": register_url,
        "status_url": status_url,
        "in_lookup": path.startswith(status_url),
        "in_register": path.startswith(register_url) and not path.startswith(status_url),
    }


class SharedCrispyFormNode(template.Node):
    def __init__(self, form):
        self.form = template.Variable(form)
        self.crispy = CrispyFormNode(form, None)

    def render(self, context):
        form = self.form.resolve(context)
        key = form.shared_html_key() if hasattr(form, "shared_html_key") else None
        if key is None:
            return self.crispy.render(context)
        request = context.get("request")
        host = request.get_host() if request is not None else ""
        name = f"crispy:{key}:{translation.get_language()}:{host}"
        return memoised(name, lambda: self.crispy.render(context))


@register.tag
def crispy_shared(parser, token):
    """``{% crispy_shared form %}``: ``{% crispy form %}``, except that a form
    whose HTML is the same for every visitor says so (its ``shared_html_key()``
    is not None) and is then rendered once per process until the next purge
    (portal.page_cache.memoised), per language and host."""
    try:
        _tag, form = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("{% crispy_shared form %} takes one form") from None
    return SharedCrispyFormNode(form)


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(page):
    """Ancestors below the tree root, from routing or the cache (portal.pages)."""
    return {"ancestors": ancestors(page), "current": page}


@register.simple_tag
def qr_svg(data, scale=4, title=""):
    """An inline SVG QR code (segno), for receipts and leaflets."""
    qr = segno.make(data, error="m")
    svg = qr.svg_inline(scale=scale, title=title or None, svgclass="qr-code", lineclass=None)
    return mark_safe(svg)


@register.filter
def shown(value):
    """A value as staff read it: 是/否, "—", 2027-01-02, Beijing time (portal.display)."""
    from portal.display import display_value

    return display_value(value)


@register.filter
def staff_name(user):
    """A member of staff by full name, else login; "—" for nobody."""
    from portal.display import EMPTY

    if not user:
        return EMPTY
    return user.get_full_name() or user.get_username()


@register.filter
def error_items(form):
    """(anchor, label, message) for each error of a form: the form's own
    ``error_summary()`` if it has one (to order them by section), else
    portal.forms.error_summary."""
    from portal.forms import error_summary

    summary = getattr(form, "error_summary", None)
    return summary() if callable(summary) else error_summary(form)


@register.simple_tag
def forms_of(*forms):
    """The forms given that exist (a missing variable is ''): for one error summary of several forms."""
    return [each for each in forms if each]


@register.filter
def minutes(duration):
    """A timedelta as whole minutes (rounded up), e.g. for a lockout's length."""
    return -(-int(duration.total_seconds()) // 60)


@register.simple_tag
def setting_value(name):
    """A value of the Django settings that a page states, e.g. a retention period."""
    from django.conf import settings

    return getattr(settings, name)
