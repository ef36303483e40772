"""Customers, their identities, the timeline of interactions, handoff notes, campaigns."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from symetrie.org.models import Employee, Unit


class Channel(models.TextChoices):
    BRANCH = "branch", _("Branch")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    APP = "app", _("App")
    WEB = "web", _("Web")
    CHAT = "chat", _("Chat")
    SOCIAL = "social", _("Social media")
    LETTER = "letter", _("Letter")


class Language(models.TextChoices):
    FRENCH = "fr", "Français"
    ENGLISH = "en", "English"


class Customer(models.Model):
    """A customer: a profile found from any of its identities."""

    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    # Folded copies (lower case, no accents) for accent- and case-insensitive prefix search.
    first_name_folded = models.CharField(max_length=150, blank=True, editable=False)
    last_name_folded = models.CharField(max_length=150, blank=True, editable=False)
    segment = models.CharField(_("segment"), max_length=32, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=16, choices=Channel.choices, blank=True
    )
    consent_email = models.BooleanField(_("agrees to e-mails"), default=False)
    consent_sms = models.BooleanField(_("agrees to text messages"), default=False)
    consent_phone = models.BooleanField(_("agrees to phone calls"), default=False)
    # The unit that serves the customer: access by tree and the distribution key of big tables.
    home_unit = models.ForeignKey(
        Unit,
        verbose_name=_("home unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
    )
    advisor = models.ForeignKey(
        Employee,
        verbose_name=_("advisor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(
                fields=["last_name_folded", "first_name_folded"],
                name="cust_last_first_prefix",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["first_name_folded"],
                name="cust_first_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["home_unit"], name="cust_home_unit"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.external_id

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class IdentityType(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    LOYALTY_CARD = "loyalty_card", _("Loyalty card")
    ACCOUNT = "account", _("Account number")
    CONTRACT = "contract", _("Contract number")
    APP_ID = "app_id", _("App id")


class Identity(models.Model):
    """One identifier of a customer, in normal form (see customers.normalise), unique per type."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    type = models.CharField(_("type"), max_length=16, choices=IdentityType.choices)
    value = models.CharField(_("value"), max_length=254)

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")
        constraints = [
            models.UniqueConstraint(fields=["type", "value"], name="identity_unique_per_type")
        ]
        # Search tries every normal form of the query at once, whatever its type.
        indexes = [models.Index(fields=["value"], name="identity_value")]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.value}"


class Campaign(models.Model):
    """A campaign and its offer. Employees see it from the internal launch, customers later."""

    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    message = models.TextField(_("message"))
    offer = models.TextField(_("offer"), blank=True)
    # Segments the offer is meant for; empty means every customer.
    audience_segments = models.JSONField(_("audience (segments)"), default=list, blank=True)
    internal_launch = models.DateField(_("internal launch"))
    external_launch = models.DateField(_("external launch"))
    end = models.DateField(_("end"))

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-external_launch", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(internal_launch__lte=models.F("external_launch"))
                & Q(external_launch__lte=models.F("end")),
                name="campaign_dates_in_order",
            )
        ]
        indexes = [models.Index(fields=["end", "internal_launch"], name="campaign_window")]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """A campaign sent to a customer, and what the customer did with it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="deliveries")
    sent_at = models.DateTimeField(_("sent"))
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    clicked_at = models.DateTimeField(_("clicked"), null=True, blank=True)
    converted_at = models.DateTimeField(_("converted"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["customer", "campaign"], name="delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} → {self.customer}"


class Interaction(models.Model):
    """One contact with a customer, on any channel: the timeline is made of these.

    Its references have no foreign-key constraint in the database (`db_constraint=False`):
    Django still cascades and nulls them on delete (`on_delete`), and the imports resolve
    every reference by its external key before writing. The constraint checks cost the
    import about as much as the rows themselves, and a table distributed by customer (the
    Citus plan of DESIGN.md) cannot keep them anyway.
    """

    # Unique by a constraint, not `unique=True`: on PostgreSQL that would add a second index
    # (for LIKE) to a table written millions of rows at a time.
    external_id = models.CharField(_("external id"), max_length=64)
    # Indexed by the timeline index, which starts with the customer.
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="interactions",
        db_index=False,
        db_constraint=False,
    )
    occurred_at = models.DateTimeField(_("when"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    subject = models.CharField(_("subject"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        constraints = [
            models.UniqueConstraint(fields=["external_id"], name="interaction_external_id_unique")
        ]
        indexes = [
            # The hot path: a customer's latest interactions.
            models.Index(fields=["customer", "-occurred_at", "-id"], name="interaction_timeline"),
            # Digital contacts have no unit nor employee, most none a campaign: only rows that
            # have one are indexed (fewer index writes per imported row).
            models.Index(fields=["unit"], name="interaction_unit", condition=Q(unit__isnull=False)),
            models.Index(
                fields=["employee"],
                name="interaction_employee",
                condition=Q(employee__isnull=False),
            ),
            models.Index(
                fields=["campaign"],
                name="interaction_campaign",
                condition=Q(campaign__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.channel}: {self.subject}"


class HandoffNote(models.Model):
    """What the next person must know, shown first until resolved: no story told twice."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="handoff_notes")
    author = models.ForeignKey(
        Employee, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        Employee,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("handoff note")
        verbose_name_plural = _("handoff notes")
        indexes = [
            models.Index(
                fields=["customer", "-created_at"],
                name="handoff_open",
                condition=Q(resolved_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]
