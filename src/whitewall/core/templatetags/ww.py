from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current query string with some parameters replaced (pagination, sorting)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    query.pop("export", None)
    return query.urlencode()


@register.simple_tag(takes_context=True)
def sort_link(context, name, current):
    """Query for sorting by ``name``: ascending first, then descending; reports the active state."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    if current == name:
        query["sort"] = f"-{name}"
        active = "asc"
    elif current == f"-{name}":
        query["sort"] = name
        active = "desc"
    else:
        query["sort"] = name
        active = ""
    return {"query": query.urlencode(), "active": active}


@register.filter
def add_class(field, css: str):
    """Render a bound field with extra CSS classes (and ``is-invalid`` when it has errors)."""
    classes = [field.field.widget.attrs.get("class", ""), css]
    if field.errors:
        classes.append("is-invalid")
    return field.as_widget(attrs={"class": " ".join(c for c in classes if c)})


@register.filter
def money(value) -> str:
    """``{{ amount|money }}`` → ¥1,234.56."""
    from whitewall.core.money import format_money

    return format_money(value)


@register.filter
def grouped(value):
    """``{{ 77350|grouped }}`` → 77,350: counts grouped by thousands, as money is, in every language."""
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return f"{value:,}"


@register.filter
def pretty_json(value) -> str:
    """``{{ job.result|pretty_json }}``: JSON data indented for reading (keys in their order)."""
    import json

    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


@register.filter
def result_summary(value) -> str:
    """The one-line summary a task put in its result, if it gave one: in the reader's language
    when the task gave it as a message (``summary_message``: ``msgid``, ``params`` and
    ``translate``, the names of the params that are messages too), else its ``summary`` text."""
    from django.utils.translation import gettext

    if not isinstance(value, dict):
        return ""
    message = value.get("summary_message")
    if isinstance(message, dict) and isinstance(message.get("msgid"), str):
        params = dict(message.get("params") or {})
        for name in message.get("translate") or ():
            if isinstance(params.get(name), str):
                params[name] = gettext(params[name])
        try:
            return gettext(message["msgid"]) % params
        except (KeyError, TypeError, ValueError):
            pass  # a message that does not fit its params: the plain summary below
    return str(value.get("summary") or "")
