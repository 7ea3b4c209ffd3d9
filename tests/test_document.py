"""What Document reads from Markdown: headings and slugs, links, code spans, fences, directives."""

from __future__ import annotations

from skill_tools.document import Document


def doc(text: str, rel: str = "references/guide.md") -> Document:
    return Document(rel, text.encode())


def test_escaped_punctuation_stays_in_the_heading_slug():
    d = doc("## Version 1.1 \\- 26 February\n")
    assert d.headings[0].text == "Version 1.1 - 26 February"
    assert d.headings[0].slug == "version-11---26-february"


def test_image_alt_text_is_not_in_the_slug_but_code_is():
    d = doc("## Run ![logo](logo.png) `dg dev` &amp; [docs](x.md)\n")
    assert d.headings[0].text == "Run  dg dev & docs"
    assert [(link.target, link.image) for link in d.links] == [("logo.png", True), ("x.md", False)]


def test_setext_heading_over_two_lines():
    d = doc("Title\nsecond line\n---\n")
    assert (d.headings[0].level, d.headings[0].text, d.headings[0].line) == (2, "Title second line", 1)


def test_lines_after_a_code_span_that_wraps_stay_right():
    d = doc("Run `a --file\nb.py` then\n`c` and [x](missing.md).\n")
    assert [(s.content, s.line) for s in d.code_spans] == [("a --file b.py", 1), ("c", 3)]
    assert [(link.target, link.line, link.column) for link in d.links] == [("missing.md", 3, 13)]


def test_frontmatter_lines_count():
    d = doc("---\nname: x\ndescription: y\n---\n# T\n\n[a](b.md)\n", rel="SKILL.md")
    assert d.headings[0].line == 5
    assert d.links[0].line == 7


def test_fences_in_lists_and_unclosed():
    d = doc("# H\n\n- item\n  ```yaml title=\"a.yaml\"\n  a: 1\n  ```\n\n```python\nx = 1\n")
    first, second = d.fences
    assert (first.lang, first.options, first.content, first.line, first.end) == ("yaml", ('title="a.yaml"',), "a: 1\n", 4, 6)
    assert (second.lang, second.content, second.line, second.heading) == ("python", "x = 1\n", 8, "H")


def test_autolinks_are_not_checked_and_reference_links_are():
    d = doc("<https://x.y> <me@x.y> [a][r] [r]\n\n[r]: ref.md#part\n")
    assert [(link.target, link.line) for link in d.links] == [("ref.md#part", 1), ("ref.md#part", 1)]


def test_links_in_tables():
    d = doc("| a | b |\n|---|---|\n| [t](t.md) | `q` |\n")
    assert [(link.target, link.line) for link in d.links] == [("t.md", 3)]
    assert [(s.content, s.line) for s in d.code_spans] == [("q", 3)]


def test_directives_and_html_anchors_in_blocks_and_inline():
    d = doc(
        "Para <!-- skill-lint-disable\nLK001 --> and <a name=\"n1\"></a>\n\n"
        "<div>\n<a id=\"x\"></a>\n<!-- skill-lint-enable -->\n</div>\n"
    )
    assert [(x.action, x.codes, x.line) for x in d.directives] == [("disable", ("LK001",), 1), ("enable", (), 6)]
    assert {"n1", "x"} <= d.anchors


def test_link_after_deep_nesting_is_read():
    d = doc("> " * 5000 + "deep\n\n[missing](nope.md)\n")
    assert [(link.target, link.line) for link in d.links] == [("nope.md", 3)]


def test_ascii_slugs_keep_what_github_slugger_keeps():
    from skill_tools.slug import _keep, slugify

    for code in range(128):
        text = f"A{chr(code)}b"
        assert slugify(text) == "".join(c for c in text.lower() if _keep(c)).replace(" ", "-"), repr(text)
    assert slugify("Ünïcode — Ärger_1") == "ünïcode--ärger_1"


def test_directives_and_anchors_inside_blockquotes():
    d = doc(
        "> <!-- skill-lint-disable\n> LK001 reason -->\n> [a](b.md)\n>\n> <div\n> id=\"bar\">\n\n"
        "> > text <!-- skill-lint-enable\n> > LK001 --> <a\n> >  name=\"q\">x</a>\n"
    )
    assert [(x.action, x.codes, x.line, x.reason) for x in d.directives] == [
        ("disable", ("LK001",), 1, "reason"), ("enable", ("LK001",), 8, "")]
    assert {"bar", "q"} <= d.anchors


def test_columns_point_at_the_link_and_span_themselves():
    d = doc("see b.md: [b](b.md) and `c` `c` é [x](x.md)\n")
    assert [(link.target, link.column) for link in d.links] == [("b.md", 15), ("x.md", 39)]
    assert [(s.content, s.column) for s in d.code_spans] == [("c", 26), ("c", 30)]
