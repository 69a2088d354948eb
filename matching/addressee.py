"""Who receives a request: the one rule every form, e-mail and service asks, so that no request is stored
without someone who is told about it and can answer it.

Order for a hospitation request (issue 16, item 7):
1. the approved members of the host town (with an e-mail address) – they answer in „Meine Anfragen“;
2. else the case's contact person, if they consented to publication, gave an e-mail address and speak
   for the host (the lead town) – they answer through a single-use link, without an account;
3. else the editors – the request waits in their queue in the admin and they are e-mailed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from matching.models import Addressee
from municipalities.models import Municipality, MunicipalityMember
from solutions.models import SolutionPage
from solutions.services import editor_emails


@dataclass(frozen=True)
class HospitationAddressee:
    kind: str  # an Addressee value
    emails: tuple[str, ...]  # where the notice goes; never shown to the visitor
    label: str  # „die Verwaltung von Barleben“: names no person and no address

    @property
    def sentence(self) -> str:
        return _("Ihre Anfrage geht an: %(who)s") % {"who": self.label}


def host_member_emails(host: Municipality) -> list[str]:
    members = MunicipalityMember.objects.filter(municipality=host, approved=True, user__is_active=True)
    return sorted(set(members.exclude(user__email="").values_list("user__email", flat=True)))


def contact_answers_for(solution: SolutionPage, host: Municipality) -> bool:
    """The case's contact speaks for the lead town only, and only if they agreed to be contacted."""
    return bool(solution.contact_is_public and solution.contact_email and solution.lead_municipality_id == host.pk)


def hospitation_addressee(solution: SolutionPage, host: Municipality) -> HospitationAddressee:
    members = host_member_emails(host)
    if members:
        return HospitationAddressee(
            Addressee.MEMBERS, tuple(members), _("die Verwaltung von %(town)s") % {"town": host.name}
        )
    if contact_answers_for(solution, host):
        return HospitationAddressee(
            Addressee.CONTACT, (solution.contact_email,), _("die Ansprechperson des Praxisbeispiels")
        )
    return HospitationAddressee(
        Addressee.EDITORS,
        tuple(editor_emails()),
        _("die Redaktion, die sie an %(town)s weiterleitet") % {"town": host.name},
    )
