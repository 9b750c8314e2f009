"""Every write of the law corpus goes through here: the one place where what a write must also do is added."""

from .models import Law, Provision


def save_law(law: Law) -> Law:
    law.save()
    return law


def save_provision(provision: Provision) -> Provision:
    """Save a law article; its search text follows its number and paragraphs (`Provision.save`)."""
    provision.save()
    return provision
