"""Links and QR codes to print in a branch: each visit gets its own single-use invitation."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from symetrie.customers.models import Customer
from symetrie.listening.distribution.invitations import (
    invitation_create,
)
from symetrie.listening.models import (
    InvitationChannel,
    Survey,
    SurveyLink,
    SurveyStatus,
)
from symetrie.org.models import Unit


@transaction.atomic
def survey_link_create(*, survey: Survey, unit: Unit) -> SurveyLink:
    """A link (and its QR code) to print in a branch; each visit gets its own invitation."""
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError({"survey": _("This survey is closed.")})
    return SurveyLink.objects.create(survey=survey, unit=unit, slug=secrets.token_urlsafe(12))


@transaction.atomic
def survey_link_deactivate(*, link: SurveyLink) -> SurveyLink:
    """Stop a printed link (and its QR code): a visit then finds nothing (404), and the
    invitations already opened through it stay valid."""
    locked = SurveyLink.objects.select_for_update().get(pk=link.pk)
    if locked.is_active:
        locked.is_active = False
        locked.save(update_fields=["is_active"])
    link.is_active = False
    return locked


def survey_links(*, survey: Survey) -> QuerySet[SurveyLink]:
    """A survey's printed links, newest first, with their units."""
    return survey.links.select_related("unit").order_by("-created_at", "-pk")


def link_url(slug: str) -> str:
    """The absolute address of a printed link (`SITE_URL`, read now)."""
    base = str(settings.SITE_URL).rstrip("/")
    return base + reverse("listening:link_visit", args=[slug])


def customer_segments() -> list[str]:
    """The customers' segments, for the filter of an e-mail invitation."""
    segments = Customer.objects.exclude(segment="").values_list("segment", flat=True)
    return list(segments.distinct().order_by("segment"))


def survey_link_visit(*, slug: str, qr: bool = False) -> str | None:
    """A fresh single-use invitation for a visit of a printed link; its raw token, or None
    when the link is unknown, inactive or its survey is not open."""
    link = (
        SurveyLink.objects.select_related("survey", "unit")
        .filter(slug=slug, is_active=True, survey__status=SurveyStatus.OPEN)
        .first()
    )
    if link is None:
        return None
    _invitation, token = invitation_create(
        survey=link.survey,
        unit=link.unit,
        channel=InvitationChannel.QR if qr else InvitationChannel.LINK,
        language=translation.get_language(),
    )
    return token


def qr_code(*, url: str, kind: str) -> bytes:
    """The QR code of `url` as PNG or SVG bytes."""
    import io

    import segno

    buffer = io.BytesIO()
    code = segno.make(url, error="m")
    if kind == "png":
        code.save(buffer, kind="png", scale=10, border=4)
    else:
        code.save(buffer, kind="svg", scale=10, border=4, xmldecl=True, title=url)
    return buffer.getvalue()
