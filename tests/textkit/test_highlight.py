from textkit.highlight import highlight, mark_headline


def test_highlight_escapes_then_marks():
    html = highlight("<b>Bank</b> & the bank's card", ["bank"])
    assert html == "&lt;b&gt;<mark>Bank</mark>&lt;/b&gt; &amp; the <mark>bank</mark>&#x27;s card"


def test_highlight_cannot_be_tricked_into_markup_by_the_query():
    assert "<script" not in highlight("a <script> tag", ["<script>"])
    assert highlight("a <script> tag", ["<script>"]) == "a <mark>&lt;script&gt;</mark> tag"


def test_highlight_cuts_a_window_around_the_first_match():
    text = " ".join(["filler"] * 100) + " the bank is here " + " ".join(["more"] * 100)
    html = highlight(text, ["bank"], max_chars=80)
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>bank</mark>" in html
    assert len(html) < 120


def test_headline_markers_become_marks_after_escaping():
    assert mark_headline("<i>x</i> \x02bank\x03 \x02stray") == "&lt;i&gt;x&lt;/i&gt; <mark>bank</mark> stray"
