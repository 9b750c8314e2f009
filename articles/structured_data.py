"""schema.org data (JSON-LD) for the answer pages; rendered with the `json_ld` filter."""

from html import unescape

from django.utils.html import strip_tags


def answer_text(answer):
    """The answer as plain text: the short answer and each section (prefetched), in order."""
    parts = [answer.short_answer]
    for section in answer.sections.all():
        parts += [section.heading, unescape(strip_tags(section.body_html))]
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def faq_page(request, answer, text=None):
    """The FAQPage of `answer`; `text`: its `answer_text`, when the caller has it already."""
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "url": request.build_absolute_uri(answer.get_absolute_url()),
        "inLanguage": answer.html_lang,
        "dateModified": answer.updated_at,
        "mainEntity": [
            {
                "@type": "Question",
                "name": answer.question,
                "acceptedAnswer": {"@type": "Answer", "text": answer_text(answer) if text is None else text},
            }
        ],
    }
