"""The applicant portal's pages. Log-in, log-out and password pages are Django's views
with our templates and the e-mail-as-username form (django-axes counts its failures)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from .forms import EmailAuthenticationForm
from .views import account, dashboard, document_drafts, documents, exams, identity, language

urlpatterns = [
    path("", account.home, name="home"),
    path("language/", language.language_set, name="set_language"),
    path("signup/", account.signup, name="signup"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", account.PortalLogoutView.as_view(), name="logout"),
    path("account/", account.account, name="account"),
    path("account/confirm/resend/", account.resend_confirmation, name="resend_confirmation"),
    path("account/confirm/<str:token>/", account.confirm_email, name="confirm_email"),
    path("account/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("identity/", identity.identity, name="identity"),
    path("identity/check/", identity.identity_check, name="identity_check"),
    path("identity/schools/", identity.school_search, name="school_search"),
    path("identity/correction/", identity.identity_change_request, name="identity_change_request"),
    path("exams/", exams.exams, name="exams"),
    path("exams/apply/", exams.exam_apply, name="exam_apply"),
    path("exams/apply/confirm/", exams.exam_confirm, name="exam_confirm"),
    path("exams/<int:pk>/permit/", exams.permit, name="permit"),
    path("exams/<int:pk>/permit.pdf", exams.permit_pdf, name="permit_pdf"),
    path("documents/", documents.documents, name="documents"),
    path("documents/<int:pk>/download/", documents.document_download, name="document_download"),
    path("documents/draft/<uuid:draft_id>/", document_drafts.document_draft, name="document_draft"),
    path(
        "documents/draft/<uuid:draft_id>/pages/<int:page>.png",
        document_drafts.document_draft_page_image,
        name="document_draft_page",
    ),
    path(
        "documents/draft/<uuid:draft_id>/send/",
        document_drafts.document_draft_send,
        name="document_draft_send",
    ),
    path(
        "documents/draft/<uuid:draft_id>/start-again/",
        document_drafts.document_draft_start_again,
        name="document_draft_start_again",
    ),
]
