"""`{% fragment f %}…{% endfragment %}`: the block rendered once per content generation (serving.fragments).

Registered as the library `fragments` in settings (`TEMPLATES` … `libraries`). `f` is a `serving.fragments.Fragment`
that the view looked up: the block is not rendered when it was found, and stored when it was rendered.
"""

from django import template
from django.utils.safestring import mark_safe

from .fragments import render_fragment

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, fragment, nodelist):
        self.fragment, self.nodelist = fragment, nodelist

    def render(self, context):
        fragment = self.fragment.resolve(context, ignore_failures=True)  # None when the view named none
        if fragment is None:
            return self.nodelist.render(context)
        return mark_safe(render_fragment(fragment, lambda: self.nodelist.render(context)))  # noqa: S308  (our template's own output)


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument: the fragment the view looked up.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(parser.compile_filter(bits[1]), nodelist)
