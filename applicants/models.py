"""Accounts, applicants and their ledger.

Fields listed in a model's ``PERSONAL_DATA`` hold personal data: they are never
written to application logs nor copied into the audit trail.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """Everyone who logs in: applicants and staff. The e-mail address is the login."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The language of the portal and of this user's e-mails (docs/i18n.md): set at sign-up
    # from the page's language, changed by the language switcher; blank = follow the browser.
    language = models.CharField(max_length=7, choices=settings.LANGUAGES, blank=True, default="")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    PERSONAL_DATA: ClassVar[tuple[str, ...]] = ("email", "first_name", "last_name")

    objects = UserManager()  # type: ignore[assignment,misc]

    def __str__(self) -> str:
        return self.email


class Applicant(models.Model):
    """An international medical graduate or student.

    Names are recorded exactly as on the diploma (R-ID-3): no case folding, no
    transliteration. ``last_name_folded`` is the case- and accent-free form used
    only for matching verification requests.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applicant")
    # R-ID-1/2: issued by applicants.services.identity, never typed into a form.
    usmle_id = models.CharField(
        "USMLE/ECFMG ID", max_length=8, unique=True, null=True, blank=True, editable=False
    )
    usmle_id_issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    given_names = models.CharField(max_length=200, blank=True)
    last_name = models.CharField(max_length=200, blank=True)
    last_name_folded = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    # Folded "given names last name" for staff search (applicants.search), kept by save().
    search_key = models.CharField(max_length=410, blank=True, editable=False)
    date_of_birth = models.DateField(null=True, blank=True)
    country = models.CharField("country of citizenship", max_length=2, blank=True)
    school = models.ForeignKey(
        "credentials.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="graduates",
    )
    graduation_date = models.DateField(
        null=True, blank=True, help_text="Date of graduation, or the expected date for a student."
    )
    # R-ED-2: credit is recorded to the half year (4.5); the identity form refuses anything else.
    academic_years = models.DecimalField(
        "academic years of credit at the degree school", max_digits=3, decimal_places=1, default=Decimal("0")
    )
    transfer_school = models.ForeignKey(
        "credentials.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfer_students",
    )
    transfer_years = models.DecimalField(
        "academic years of transfer credit", max_digits=3, decimal_places=1, default=Decimal("0")
    )
    # R-ED-2: transfer credit counts only when the transfer school is listed in IMED for
    # the years it was earned, so those (calendar) years are recorded with it.
    transfer_credit_first_year = models.PositiveSmallIntegerField(
        "first year of transfer credit", null=True, blank=True
    )
    transfer_credit_last_year = models.PositiveSmallIntegerField(
        "last year of transfer credit", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PERSONAL_DATA: ClassVar[tuple[str, ...]] = (
        "given_names",
        "last_name",
        "last_name_folded",
        "search_key",
        "date_of_birth",
        "country",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(usmle_id__isnull=True) | Q(usmle_id__regex=r"^[0-9]{8}$"),
                name="applicant_usmle_id_8_digits",
            ),
            models.CheckConstraint(
                condition=Q(transfer_years=0) | Q(transfer_school__isnull=False),
                name="applicant_transfer_years_need_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.usmle_id or 'no ID'} {self.last_name}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        from applicants.search import search_key

        self.search_key = search_key(given_names=self.given_names, last_name=self.last_name)
        fields = kwargs.get("update_fields")
        if fields is not None and {"given_names", "last_name"} & set(fields):
            kwargs["update_fields"] = {*fields, "search_key"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        """The name as on the diploma, given names first."""
        return f"{self.given_names} {self.last_name}".strip()


class IdentityChangeRequest(models.Model):
    """A change to locked identity fields, applied only when staff approve it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="change_requests")
    changes = models.JSONField(help_text="Field name -> requested value.")
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_DATA: ClassVar[tuple[str, ...]] = ("changes",)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Change request #{self.pk} ({self.get_status_display()})"


class LedgerEntry(models.Model):
    """One immutable line of an applicant's account (R-PAY-1).

    ``amount`` is the effect on what the applicant owes: charges and refunds are
    positive, payments negative, adjustments either. The balance is the sum;
    it is never stored. A correction is a new entry, never an edit.
    """

    class Kind(models.TextChoices):
        CHARGE = "charge", _("Charge")
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")
        ADJUSTMENT = "adjustment", _("Adjustment")

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    description = models.CharField(max_length=200)
    # Provider or caller reference; unique so the same payment is never applied twice.
    reference = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(condition=~Q(amount=Decimal("0")), name="ledger_amount_not_zero"),
            models.CheckConstraint(
                condition=(
                    Q(kind="charge", amount__gt=0)
                    | Q(kind="refund", amount__gt=0)
                    | Q(kind="payment", amount__lt=0)
                    | Q(kind="adjustment")
                ),
                name="ledger_amount_sign_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Ledger entries are immutable; record a correcting entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Ledger entries cannot be deleted; record a correcting entry instead.")


# Applicant e-mails (applicants.notifications) and payment-provider events
# (applicants.payments): importing them here makes them part of this app's models
# and migrations.
from applicants.models_notes import StaffNote  # noqa: E402, F401
from applicants.notifications.models import ApplicantNotification  # noqa: E402, F401
from applicants.payments.models import Checkout, OverpaymentRefund, ProviderEvent  # noqa: E402, F401
