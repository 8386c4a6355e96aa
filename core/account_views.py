"""Business accounts: registration, e-mail confirmation, password reset, the organisation
profile and invitations of colleagues.

Who may do what comes from ``core.rules``; every write goes through ``core.services``.
Public forms are protected by CSRF (Django's default), per-IP rate limits, a honeypot and a
minimum fill time (``core.antispam``); repeated failed sign-ins are throttled by django-axes.
"""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import rules, services
from . import views as core_views
from .account_forms import (
    AcceptInvitationForm,
    AccountLoginForm,
    AccountPasswordResetForm,
    AccountSetPasswordForm,
    InviteForm,
    ResendVerificationForm,
)
from .antispam import RateLimitMixin, rate_limit
from .models import Organization, User
from .organization_forms import OrganizationForm, RegistrationForm

# Accounts confirmed or invited are signed in directly; name the backend, since axes's
# backend is listed first and cannot log anybody in.
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"
REGISTERED_EMAIL_SESSION_KEY = "accounts_registered_email"


# --- Sign-in --------------------------------------------------------------------------------


class LoginView(RateLimitMixin, core_views.LoginView):
    """Sign-in with a per-IP rate limit, and a clear message for unconfirmed accounts.

    Point the "login" URL at this view. Repeated failures per account are django-axes's job.
    """

    rate_limit_scope = "login"
    authentication_form = AccountLoginForm
    template_name = "core/account/login.html"


# --- Registration and e-mail confirmation ---------------------------------------------------


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
@rate_limit("register")
def register(request):
    if request.user.is_authenticated:
        messages.info(request, _("You are already signed in."))
        return redirect("proposals:list")
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        if form.is_valid() and form.email_registered:
            # The same answer as for a new address; the address's owner is told by e-mail.
            services.tell_existing_account(form.cleaned_data["email"])
            request.session[REGISTERED_EMAIL_SESSION_KEY] = form.cleaned_data["email"]
            return redirect("accounts:check_email")
        if form.is_valid():
            try:
                user = services.register_business(**form.service_arguments())
            except (IntegrityError, ValidationError):
                # Someone registered the same address or number a moment ago.
                form.add_error(
                    None,
                    _(
                        "This business or e-mail address was registered a "
                        "moment ago. Please check your entries."
                    ),
                )
            else:
                request.session[REGISTERED_EMAIL_SESSION_KEY] = user.email
                return redirect("accounts:check_email")
    else:
        form = RegistrationForm()
    return render(request, "core/account/register.html", {"form": form})


@require_GET
def check_email(request):
    return render(
        request,
        "core/account/check_email.html",
        {
            "email": request.session.get(REGISTERED_EMAIL_SESSION_KEY, ""),
            "valid_days": _verification_days(),
        },
    )


def _verification_days() -> int:
    timeout = getattr(settings, "VERIFY_EMAIL_TIMEOUT", services.VERIFY_EMAIL_TIMEOUT_DEFAULT)
    return max(1, timeout // 86400)


def _user_from_uid(uidb64: str) -> User | None:
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        return User.objects.select_related("organization").get(pk=pk)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist, ValidationError):
        return None


@require_http_methods(["GET", "POST"])
def verify(request, uidb64: str, token: str):
    """The link in the confirmation e-mail.

    GET shows one button; the POST confirms. Mail scanners at many companies open every link
    in an e-mail: if GET confirmed, a scanner would use up the link and be signed in itself.
    """
    user = _user_from_uid(uidb64)
    if user is None or not services.email_verification_token.check_token(user, token):
        if (
            request.method == "POST"
            and user is not None
            and request.user == user
            and user.email_verified_at
        ):
            return redirect("proposals:list")  # the button pressed twice
        return render(
            request, "core/account/verify_invalid.html", {"form": ResendVerificationForm()}
        )
    if request.method == "POST":
        user = services.verify_email(user)
        login(request, user, backend=LOGIN_BACKEND)
        request.session.pop(REGISTERED_EMAIL_SESSION_KEY, None)
        messages.success(
            request,
            _(
                "Thank you. Your e-mail address is confirmed and you are "
                "signed in. You can now write a proposal."
            ),
        )
        return redirect("proposals:list")
    return render(request, "core/account/verify_confirm.html", {"account": user})


@require_http_methods(["GET", "POST"])
@rate_limit("resend_verification")
def resend_verification(request):
    """Ask for a new confirmation link. The answer is the same whether or not the address
    has an account, so nobody can find out who is registered."""
    if request.method == "POST":
        form = ResendVerificationForm(request.POST)
        if form.is_valid():
            services.resend_verification(form.cleaned_data["email"])
            return redirect("accounts:resend_verification_done")
    else:
        form = ResendVerificationForm()
    return render(request, "core/account/resend_verification.html", {"form": form})


@require_GET
def resend_verification_done(request):
    return render(
        request, "core/account/resend_verification_done.html", {"valid_days": _verification_days()}
    )


# --- Password reset (Django's views, our templates and e-mail) ------------------------------


class PasswordResetView(RateLimitMixin, auth_views.PasswordResetView):
    rate_limit_scope = "password_reset"
    form_class = AccountPasswordResetForm
    template_name = "core/account/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "core/account/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = AccountSetPasswordForm
    template_name = "core/account/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever proved they own the address may sign in again at once, even if
        # django-axes paused sign-in after too many wrong passwords.
        reset(username=form.user.email)
        AccessAttempt.objects.filter(username__iexact=form.user.email).delete()  # as typed
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "core/account/password_reset_complete.html"


# --- Organisation profile and invitations ---------------------------------------------------


def _organization_for(request, pk: int | None) -> Organization:
    """The organisation at this address if ``request.user`` may see it; 404 otherwise (a
    guessed id must not reveal whether the organisation exists)."""
    user = request.user
    if pk is None:
        organization = user.organization if rules.can_use_business_portal(user) else None
    else:
        organization = Organization.objects.filter(pk=pk).first()
    if organization is None or not rules.can_view_organization(user, organization):
        raise Http404
    return organization


def _organization_url(request, organization: Organization) -> str:
    if request.user.organization_id == organization.pk:
        return reverse("accounts:organization")
    return reverse("accounts:organization_detail", args=[organization.pk])


def _render_organization(request, organization, *, form=None, invite_form=None, status=200):
    user = request.user
    can_edit = rules.can_edit_organization(user, organization)
    can_invite = rules.can_invite_members(user, organization)
    # Shown from the database, not from a form that failed validation.
    saved = Organization.objects.get(pk=organization.pk)
    if can_edit and form is None:
        form = OrganizationForm(instance=saved)
    if can_invite and invite_form is None:
        invite_form = InviteForm(organization=saved)
    return render(
        request,
        "core/account/organization.html",
        {
            "organization": saved,
            "members": saved.members.order_by("full_name", "email"),
            "invitations": saved.invitations.filter(
                accepted_at__isnull=True, expires_at__gt=timezone.now()
            ).select_related("invited_by"),
            "form": form if can_edit else None,
            "invite_form": invite_form if can_invite else None,
            "page_url": _organization_url(request, saved),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization(request, pk: int | None = None):
    """A business member's organisation: its details (editable), members and invitations.

    Desk staff may read it; administrators may also edit it; nobody else sees it.
    """
    organization = _organization_for(request, pk)
    if request.method == "POST":
        if not rules.can_edit_organization(request.user, organization):
            raise PermissionDenied
        form = OrganizationForm(request.POST, instance=organization)
        if form.is_valid():
            services.update_organization(
                organization, actor=request.user, **form.service_arguments()
            )
            messages.success(request, _("The organisation's details are saved."))
            return redirect(_organization_url(request, organization))
        return _render_organization(request, organization, form=form)
    return _render_organization(request, organization)


@login_required
@require_POST
@rate_limit("invite")
def invite(request, pk: int):
    organization = _organization_for(request, pk)
    if not rules.can_invite_members(request.user, organization):
        raise PermissionDenied
    form = InviteForm(request.POST, organization=organization)
    if form.is_valid():
        try:
            invitation = services.invite_member(
                organization=organization,
                invited_by=request.user,
                email=form.cleaned_data["email"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            form.add_error("email", error.message_dict.get("email", error.messages))
        else:
            messages.success(
                request,
                _(
                    "We have sent an invitation to %(email)s. The link in it is valid for "
                    "%(days)s days."
                )
                % {
                    "email": invitation.email,
                    "days": (invitation.expires_at - invitation.created_at).days,
                },
            )
            return redirect(_organization_url(request, organization))
    return _render_organization(request, organization, invite_form=form)


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def accept_invitation(request, token: str):
    invitation = services.find_invitation(token)
    if invitation is None or not invitation.is_usable:
        return render(request, "core/account/invitation_invalid.html", {"invitation": invitation})
    if services.email_registered(invitation.email):
        return render(
            request,
            "core/account/invitation_invalid.html",
            {"invitation": invitation, "registered": True},
        )
    if request.method == "POST":
        form = AcceptInvitationForm(request.POST, email=invitation.email)
    else:
        form = AcceptInvitationForm(email=invitation.email)
    if form.is_bound and form.is_valid():
        try:
            user = services.accept_invitation(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                language=form.cleaned_data["language"],
            )
        except services.InvitationNotUsable:
            return render(
                request,
                "core/account/invitation_invalid.html",
                {"invitation": services.find_invitation(token)},
            )
        except ValidationError:
            return render(
                request,
                "core/account/invitation_invalid.html",
                {"invitation": invitation, "registered": True},
            )
        login(request, user, backend=LOGIN_BACKEND)
        messages.success(
            request,
            _("Welcome. You are now a member of %(organization)s and signed in.")
            % {"organization": invitation.organization.name},
        )
        return redirect("proposals:list")
    return render(
        request, "core/account/accept_invitation.html", {"form": form, "invitation": invitation}
    )


# The decorators for the class-based views, for anyone who prefers to wrap Django's own:
login_rate_limit = method_decorator(rate_limit("login"), name="dispatch")
