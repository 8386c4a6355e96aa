"""The forms of the account pages: sign-in, business registration, e-mail confirmation,
password reset, the organisation profile and invitations."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .antispam import AntiSpamFormMixin
from .forms import AccessibleErrorsMixin, DescribedHelpTextMixin
from .links import url_for
from .mail import queue_email
from .models import User
from .services import resend_verification


class LoginForm(AccessibleErrorsMixin, AuthenticationForm):
    # No autofocus: it would skip the skip link and the page's heading for keyboard and
    # screen-reader users.
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "The e-mail address or password is not correct. "
            "Both are case-sensitive except the e-mail address."
        ),
        "inactive": _("This account is not active. Please contact the desk."),
    }


LANGUAGE_CHOICES = [("ja", "日本語"), ("en", "English")]


def _current_language() -> str:
    return "en" if (get_language() or "ja").startswith("en") else "ja"


def _password_help() -> str:
    """Django's password rules as one plain sentence list (its own help is an HTML list)."""
    return " ".join(str(text) for text in password_validation.password_validators_help_texts())


class PasswordPairMixin:
    """Two password fields checked against each other and Django's password validators."""

    password_fields = ("password1", "password2")
    has_passwords = True  # the templates ask people to type passwords again after an error

    def _add_password_fields(self, *, new_label=None):
        self.fields["password1"] = forms.CharField(
            label=new_label or _("Password"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text=_password_help(),
        )
        self.fields["password2"] = forms.CharField(
            label=_("Password again"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text=_("Type the same password again, to be sure there is no typing mistake."),
        )

    def check_passwords(self, cleaned, *, email: str = "", full_name: str = "") -> None:
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error(
                "password2",
                forms.ValidationError(
                    _("The two passwords are not the same. Please type them again."),
                    code="password_mismatch",
                ),
            )
            return
        if password1:
            try:
                password_validation.validate_password(
                    password1, user=User(email=email or "", full_name=full_name or "")
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)


class ResendVerificationForm(
    AntiSpamFormMixin, DescribedHelpTextMixin, AccessibleErrorsMixin, forms.Form
):
    antispam_form_name = "resend-verification"
    email = forms.EmailField(
        label=_("E-mail address you registered with"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class AccountPasswordResetForm(
    AntiSpamFormMixin, DescribedHelpTextMixin, AccessibleErrorsMixin, PasswordResetForm
):
    """Django's reset form, sending through the outbox in the member's own language."""

    antispam_form_name = "password-reset"
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_(
            "The address you sign in with. If it belongs to an account, we send a "
            "link to set a new password."
        ),
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        link = url_for(
            "accounts:password_reset_confirm",
            user.language,
            uidb64=context["uid"],
            token=context["token"],
        )
        queue_email(
            to_email,
            "password_reset",
            {"user": user, "link": link},
            language=user.language,
            reference=f"user:{user.pk}",
        )

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            # Someone who never confirmed the address gets the confirmation link instead:
            # Django sends reset links to active accounts only.
            resend_verification(self.cleaned_data["email"])


class AccountSetPasswordForm(DescribedHelpTextMixin, AccessibleErrorsMixin, SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].help_text = _password_help()
        self.fields["new_password2"].label = _("New password again")
        self.fields["new_password2"].help_text = _(
            "Type the same password again, to be sure there is no typing mistake."
        )
        self.tie_help_texts()


class InviteForm(DescribedHelpTextMixin, AccessibleErrorsMixin, forms.Form):
    email = forms.EmailField(
        label=_("Colleague's e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("We send an invitation link to this address. It is valid for 7 days."),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation e-mail"), choices=LANGUAGE_CHOICES
    )

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["language"].initial = _current_language()

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None:
            if self.organization is not None and existing.organization_id == self.organization.pk:
                message = _("This person is already a member of your organisation.")
            else:
                message = _(
                    "This e-mail address already has an account at the desk, so it "
                    "cannot be invited. An account belongs to one organisation; "
                    "please contact the desk if this person should move to yours."
                )
            raise forms.ValidationError(message, code="registered")
        return email


class AcceptInvitationForm(
    DescribedHelpTextMixin, AccessibleErrorsMixin, PasswordPairMixin, forms.Form
):
    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("The person the desk will write to about your proposals."),
    )
    language = forms.ChoiceField(
        label=_("Language of e-mails from the desk"), choices=LANGUAGE_CHOICES
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self._add_password_fields()
        self.tie_help_texts()
        self.fields["language"].initial = _current_language()
        self.order_fields(["full_name", "password1", "password2", "language"])

    def clean(self):
        cleaned = super().clean()
        self.check_passwords(cleaned, email=self.email, full_name=cleaned.get("full_name", ""))
        return cleaned


class AccountLoginForm(LoginForm):
    """Sign-in that tells someone who has not yet confirmed the address what to do.

    Django's backend treats an unconfirmed (inactive) account like a wrong password; the
    right password for such an account gets the real reason instead.
    """

    error_messages = {
        **LoginForm.error_messages,
        "unconfirmed": _(
            "You have not yet confirmed your e-mail address. Please follow the "
            "link in the e-mail we sent you, or ask for a new link."
        ),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            email = (self.cleaned_data.get("username") or "").strip()
            password = self.cleaned_data.get("password") or ""
            user = (
                User.objects.filter(
                    email__iexact=email, is_active=False, email_verified_at__isnull=True
                ).first()
                if email
                else None
            )
            if user is not None and password and user.check_password(password):
                self.unconfirmed = True
                raise forms.ValidationError(
                    self.error_messages["unconfirmed"], code="unconfirmed"
                ) from None
            raise
