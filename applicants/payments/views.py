"""Applicant pages for the ledger and payment, and the provider webhook.

Thin: each view finds the signed-in applicant (never an id from the URL), calls
one service or selector, and turns a ``DomainError`` into a form error or a status.
"""

from __future__ import annotations

import logging

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from applicants.models import Applicant
from applicants.selectors import applicant_journey
from ecfmg_portal.errors import DomainError, NotFound

from .forms import PaymentForm
from .providers import ProviderUnavailable, WebhookRejected, payment_provider
from .selectors import format_usd, ledger_statement
from .services import (
    payment_checkout_start,
    payment_sandbox_checkout,
    payment_sandbox_confirm,
    payment_webhook_receive,
)

logger = logging.getLogger(__name__)

CHECKOUT_NOTICES = {
    "done": gettext_lazy(
        "Thank you. Your payment has been sent; it appears below as soon as the payment "
        "provider confirms it, usually within a minute."
    ),
    "cancelled": gettext_lazy("The payment was cancelled; nothing was charged."),
}


def _applicant(request: HttpRequest) -> Applicant:
    """The signed-in applicant, read through ``request.user`` so that the page header
    (which shows the ID) reuses it instead of querying again."""
    try:
        return request.user.applicant  # type: ignore[union-attr]
    except Applicant.DoesNotExist as error:
        raise Http404("No applicant record for this account.") from error


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    applicant = _applicant(request)
    statement = ledger_statement(applicant=applicant)
    notice = CHECKOUT_NOTICES.get(request.GET.get("checkout", ""))
    # The next step every applicant page names (applicants.selectors.applicant_journey).
    journey = applicant_journey(applicant)
    return render(
        request, "payments/ledger.html", {"statement": statement, "notice": notice, "journey": journey}
    )


# The browser follows the redirect to the provider's hosted page after this form's
# POST, and Content-Security-Policy's form-action also governs that redirect.
@csp_update({"form-action": ["https://checkout.stripe.com"]})
@login_required
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest) -> HttpResponse:
    applicant = _applicant(request)
    statement = ledger_statement(applicant=applicant)
    form = PaymentForm(request.POST or None, balance=statement.balance)
    if request.method == "POST" and form.is_valid():
        try:
            return HttpResponseRedirect(
                payment_checkout_start(applicant=applicant, amount=form.cleaned_data["amount"])
            )
        except DomainError as error:
            form.add_error("amount" if error.field == "amount" else None, error.message)
    try:
        provider_label = payment_provider().label
    except ProviderUnavailable as error:
        provider_label = ""
        form.add_error(None, error.message)
    return render(
        request,
        "payments/pay.html",
        {"statement": statement, "form": form, "provider_label": provider_label},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sandbox_checkout(request: HttpRequest, token: str) -> HttpResponse:
    """The sandbox's stand-in for a hosted checkout page (development only)."""
    applicant = _applicant(request)
    try:
        if request.method == "POST":
            record, _ = payment_sandbox_confirm(applicant=applicant, token=token)
            if record.amount is not None:
                messages.success(
                    request,
                    gettext("Payment of %(amount)s received. Thank you.")
                    % {"amount": format_usd(record.amount)},
                )
            return redirect(reverse("ledger"))
        _, amount = payment_sandbox_checkout(applicant=applicant, token=token)
    except (NotFound, ProviderUnavailable) as error:
        raise Http404(error.message) from error
    except WebhookRejected as error:
        return render(request, "payments/sandbox_checkout.html", {"error": error.message}, status=400)
    return render(request, "payments/sandbox_checkout.html", {"amount_display": format_usd(amount)})


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """Provider webhooks. 400 and nothing written when the signature does not hold;
    200 for a replay, which changes nothing."""
    try:
        record, applied = payment_webhook_receive(provider=payment_provider(provider), request=request)
    except ProviderUnavailable as error:
        raise Http404(error.message) from error
    except WebhookRejected as error:
        logger.warning("payment webhook refused: provider=%s code=%s", provider, error.code)
        return JsonResponse({"error": error.code, "message": error.message}, status=400)
    return JsonResponse({"received": True, "applied": applied, "outcome": record.outcome})
