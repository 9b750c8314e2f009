"""schema.org data (JSON-LD) for the law article pages."""


def legislation(request, provision):
    law = provision.law
    return {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "name": str(provision),
        "url": request.build_absolute_uri(provision.get_absolute_url()),
        "legislationIdentifier": f"{law.slug}/{provision.number}",
        "text": provision.text,
        "dateModified": provision.updated_at,
        "isPartOf": {
            "@type": "Legislation",
            "name": law.title,
            "url": request.build_absolute_uri(law.get_absolute_url()),
            "legislationDate": law.adopted_on,
            "legislationJurisdiction": "CN",
        },
    }
