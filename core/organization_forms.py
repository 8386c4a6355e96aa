"""The forms that describe a business: its registration (organisation and first member) and
its profile afterwards. A person who is not a business is refused at the first question."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .account_forms import LANGUAGE_CHOICES, PasswordPairMixin, _current_language
from .antispam import AntiSpamFormMixin
from .forms import AccessibleErrorsMixin, DescribedHelpTextMixin
from .models import Organization, User
from .validators import normalize_corporate_number


class BusinessType:
    CORPORATION = "corporation"
    SOLE_PROPRIETOR = "sole_proprietor"
    INDIVIDUAL = "individual"


BUSINESS_TYPE_CHOICES = [
    (
        BusinessType.CORPORATION,
        _(
            "A corporation (株式会社, 合同会社, NPO法人, 一般社団法人 and others): it has a corporate "
            "number (法人番号)"
        ),
    ),
    (
        BusinessType.SOLE_PROPRIETOR,
        _("A sole proprietor (個人事業主): a business run by one person without a corporation"),
    ),
    (BusinessType.INDIVIDUAL, _("A private person without a business")),
]


def _website_field():
    return forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")


ORGANIZATION_FIELDS = [
    "name",
    "name_kana",
    "corporate_number",
    "address",
    "representative_title",
    "representative_name",
    "is_startup",
    "website",
    "phone",
]


class OrganizationFieldsMixin:
    """Labels, help texts and the 法人番号 rules shared by registration and the profile."""

    organization_labels = {
        "name": _("Name of the business"),
        "name_kana": _("Name of the business in katakana"),
        "corporate_number": _("Corporate number (法人番号)"),
        "address": _("Address of the business"),
        "representative_title": _("Representative's title"),
        "representative_name": _("Representative's name"),
        "is_startup": _("This business is a startup"),
        "website": _("Website"),
        "phone": _("Phone number"),
    }
    organization_help = {
        "name": _(
            "As registered, e.g. 株式会社共創テック. A sole proprietor gives the trade "
            "name (屋号) or their own name."
        ),
        "name_kana": _("Helps the desk read the name correctly, e.g. キョウソウテック."),
        "corporate_number": _(
            "13 digits, as issued by the National Tax Agency; you can look it "
            "up on its corporate number site. Hyphens and full-width digits "
            "are fine. Required for a corporation; a sole proprietor leaves "
            "it empty."
        ),
        "address": _(
            "The registered address. Businesses from anywhere, in Japan or abroad, may propose."
        ),
        "representative_title": _("For example 代表取締役, CEO or 代表."),
        "representative_name": _(
            "The person who represents the business (for a sole proprietor, usually yourself)."
        ),
        "is_startup": _(
            "Tick this if the business is a young company aiming to grow fast. "
            "The desk has a programme for startups."
        ),
        "website": _("Starting with https://"),
        "phone": _("From abroad, with the country code, e.g. +81 92 000 0000."),
    }

    def _prepare_organization_fields(self):
        for name, label in self.organization_labels.items():
            if name in self.fields:
                self.fields[name].label = label
                self.fields[name].help_text = self.organization_help.get(name, "")
        if "corporate_number" in self.fields:
            # Longer than 13: people type "7-0000-1205-0002" or full-width digits.
            field = self.fields["corporate_number"]
            field.max_length = 30
            field.validators = []
            field.widget.attrs.update(
                {"maxlength": "30", "inputmode": "numeric", "autocomplete": "off"}
            )
        for name, autocomplete in (
            ("name", "organization"),
            ("address", "street-address"),
            ("website", "url"),
            ("phone", "tel"),
        ):
            if name in self.fields:
                self.fields[name].widget.attrs.setdefault("autocomplete", autocomplete)
        if "phone" in self.fields:
            self.fields["phone"].widget.input_type = "tel"

    def clean_corporate_number(self):
        number = normalize_corporate_number(self.cleaned_data.get("corporate_number", ""))
        if number:
            taken = Organization.objects.filter(corporate_number=number)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                raise forms.ValidationError(
                    _(
                        "An organisation with this corporate number is already registered. "
                        "Colleagues join through an invitation: ask a member of your "
                        "organisation to invite you from its organisation page, or contact "
                        "the desk."
                    ),
                    code="corporate_number_registered",
                )
        return number

    def _apply_business_type(self, business_type: str) -> None:
        self.instance.is_sole_proprietor = business_type == BusinessType.SOLE_PROPRIETOR


class RegistrationForm(
    AntiSpamFormMixin,
    OrganizationFieldsMixin,
    DescribedHelpTextMixin,
    AccessibleErrorsMixin,
    PasswordPairMixin,
    forms.ModelForm,
):
    """One form for a business and the person who registers it."""

    antispam_form_name = "register"
    business_type = forms.ChoiceField(
        label=_("The business is"),
        choices=BUSINESS_TYPE_CHOICES,
        widget=forms.RadioSelect,
        help_text=_(
            "Only businesses can register and propose: corporations and sole "
            "proprietors. A private person without a business cannot propose."
        ),
    )
    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("The person the desk will write to about your proposals."),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send a link to this address to confirm it. You also sign in with it."),
    )
    language = forms.ChoiceField(
        label=_("Language of e-mails from the desk"),
        choices=LANGUAGE_CHOICES,
    )

    website = _website_field()

    business_fields = ["business_type", *ORGANIZATION_FIELDS]
    person_fields = ["full_name", "email", "password1", "password2", "language"]

    class Meta:
        model = Organization
        fields = ORGANIZATION_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_organization_fields()
        self._add_password_fields()
        self.tie_help_texts()
        self.fields["language"].initial = _current_language()
        self.order_fields([*self.business_fields, *self.person_fields])
        self.email_registered = False

    @property
    def business_group(self):
        return self.fields_named(self.business_fields)

    @property
    def person_group(self):
        return self.fields_named(self.person_fields)

    def clean_email(self):
        # Registration never says whether an address has an account (that would tell anyone
        # who uses the desk): the view answers as for a new one and e-mails the owner instead.
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        self.email_registered = User.objects.filter(email__iexact=email).exists()
        return email

    def clean(self):
        cleaned = super().clean()
        business_type = cleaned.get("business_type")
        if business_type == BusinessType.INDIVIDUAL:
            self.add_error(
                "business_type",
                forms.ValidationError(
                    _(
                        "Only businesses can register: corporations and sole proprietors. The desk "
                        "receives proposals from businesses that can carry out the project "
                        "themselves, so a private person without a business cannot propose. For an "
                        "opinion or idea as a resident, please use the city's general enquiry "
                        "service."
                    ),
                    code="individual",
                ),
            )
        elif business_type:
            self._apply_business_type(business_type)
        self.check_passwords(
            cleaned, email=cleaned.get("email", ""), full_name=cleaned.get("full_name", "")
        )
        return cleaned

    def _post_clean(self):
        # No model validation for a private person: the 法人番号 rules would only add noise
        # to the one message that matters.
        if self.cleaned_data.get("business_type") in (None, BusinessType.INDIVIDUAL):
            return
        super()._post_clean()

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {name: data[name] for name in ORGANIZATION_FIELDS}
        arguments.update(
            is_sole_proprietor=data["business_type"] == BusinessType.SOLE_PROPRIETOR,
            email=data["email"],
            full_name=data["full_name"],
            password=data["password1"],
            language=data["language"],
        )
        return arguments


class OrganizationForm(
    OrganizationFieldsMixin, DescribedHelpTextMixin, AccessibleErrorsMixin, forms.ModelForm
):
    """The organisation's details, as its members keep them up to date."""

    business_type = forms.ChoiceField(
        label=_("The business is"),
        choices=BUSINESS_TYPE_CHOICES[:2],
        widget=forms.RadioSelect,
        help_text=_(
            "A sole proprietor who has since founded a corporation (法人成り) chooses "
            "“corporation” and enters the new corporate number."
        ),
    )
    website = _website_field()

    class Meta:
        model = Organization
        fields = ORGANIZATION_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_organization_fields()
        self.tie_help_texts()
        self.fields["business_type"].initial = (
            BusinessType.SOLE_PROPRIETOR
            if self.instance.is_sole_proprietor
            else BusinessType.CORPORATION
        )
        self.order_fields(["business_type", *ORGANIZATION_FIELDS])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("business_type"):
            self._apply_business_type(cleaned["business_type"])
        return cleaned

    def service_arguments(self) -> dict:
        arguments = {name: self.cleaned_data[name] for name in ORGANIZATION_FIELDS}
        arguments["is_sole_proprietor"] = self.instance.is_sole_proprietor
        return arguments
