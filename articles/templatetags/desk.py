from django import template

from articles.desk import desk_for

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_home(context):
    """The desk home's lists for the person logged in (articles.desk)."""
    return desk_for(context["request"].user)
