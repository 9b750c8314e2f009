"""Helpers for the tests of the reader's site: read links, headings and JSON-LD out of a page."""

import json
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Collector(HTMLParser):
    def __init__(self, path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.stack = []
        self.found = []
        self.capturing = []  # (depth, index into found)
        self.links = []
        self.scripts = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._script = []
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag == self.path[-1] and self._ancestors_match():
            self.found.append("")
            self.capturing.append((len(self.stack), len(self.found) - 1))

    def _ancestors_match(self):
        wanted = list(self.path[:-1])
        for tag in self.stack[:-1]:
            if wanted and tag == wanted[0]:
                wanted.pop(0)
        return not wanted

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None
        if tag in VOID or tag not in self.stack:
            return
        while self.stack:
            depth = len(self.stack)
            if self.capturing and self.capturing[-1][0] == depth:
                self.capturing.pop()
            if self.stack.pop() == tag:
                break

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
        for _, index in self.capturing:
            self.found[index] += data


def _parse(html, path="html"):
    collector = _Collector(path.split())
    collector.feed(html)
    collector.close()
    return collector


def page_of(html, path):
    """The whitespace-normalised text of each element matching `path` ("h2", "li a": an a inside an li)."""
    return [" ".join(text.split()) for text in _parse(html, path).found]


def links(html):
    """Every link target of the page, in order."""
    return _parse(html).links


def json_ld(html):
    """The page's JSON-LD blocks, parsed (a ValueError if one is not valid JSON)."""
    return [json.loads(text) for text in _parse(html).scripts]
