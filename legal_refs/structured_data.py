"""schema.org data (JSON-LD) for the law pages: an instrument and one of its articles, each a `Legislation`."""

from serving.languages import is_chinese

from .pages import chinese_citation, english_citation

IN_FORCE = "https://schema.org/InForce"
NOT_IN_FORCE = "https://schema.org/NotInForce"
OFFICIAL_LANGUAGE = "zh-Hans"


def law_legislation(request, law):
    """The instrument, named in the page's language (its other names as alternates)."""
    name = law.display_title
    data = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "name": name,
        "alternateName": [
            other for other in dict.fromkeys((law.title, law.title_zh, law.short_title)) if other and other != name
        ],
        "url": request.build_absolute_uri(law.get_absolute_url()),
        "legislationIdentifier": law.slug,
        "legislationType": str(law.get_kind_display()),
        "legislationJurisdiction": "CN",
        "legislationLegalForce": IN_FORCE if law.in_force else NOT_IN_FORCE,
        "inLanguage": OFFICIAL_LANGUAGE,
    }
    if passed_by := str(law.shown_issuing_body):
        data["legislationPassedBy"] = {"@type": "Organization", "name": passed_by}
    if law.adopted_on:
        data["legislationDate"] = law.adopted_on
    if law.amended_on or law.effective_on:
        data["legislationDateVersion"] = law.amended_on or law.effective_on
    return data


def legislation(request, provision, version):
    """One article, its official text as in force (`version`: None when none is in force yet), named as the page's
    language cites it (the other citation as its alternate)."""
    law = provision.law
    chinese = chinese_citation(provision)
    name, alternate = (chinese, english_citation(provision)) if is_chinese() else (str(provision), chinese)
    in_force = law.in_force and version is not None  # `version` is the one in force today, if any
    part_of = law_legislation(request, law)
    del part_of["@context"]
    data = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "name": name,
        "alternateName": alternate,
        "url": request.build_absolute_uri(provision.get_absolute_url()),
        "legislationIdentifier": f"{law.slug}/{provision.number}",
        "legislationType": str(law.get_kind_display()),
        "legislationJurisdiction": "CN",
        "legislationLegalForce": IN_FORCE if in_force else NOT_IN_FORCE,
        "inLanguage": OFFICIAL_LANGUAGE,
        "isPartOf": part_of,
    }
    if law.adopted_on:
        data["legislationDate"] = law.adopted_on
    if version is not None:
        data["legislationDateVersion"] = version.effective_from
        data["text"] = version.text
    return data
