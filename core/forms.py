from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class AccessibleErrorsMixin:
    """Tie each field's error message to its input for screen readers.

    After validation, a field with errors gets ``aria-invalid="true"`` and
    ``aria-describedby`` pointing at the ``<id>-error`` paragraph the templates render.
    """

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                field_id = self[name].auto_id
                widget.attrs["aria-invalid"] = "true"
                described = widget.attrs.get("aria-describedby", "")
                widget.attrs["aria-describedby"] = f"{described} {field_id}-error".strip()


class LoginForm(AccessibleErrorsMixin, AuthenticationForm):
    # No autofocus: it would skip the skip link and the page's heading for keyboard and
    # screen-reader users.
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail address or password is not correct. "
                           "Both are case-sensitive except the e-mail address."),
        "inactive": _("This account is not active. Please contact the desk."),
    }
