"""Forms of the referral pages: the desk's referral, a department's answer, the questions
between them, and the department portal's filter.

The forms check what a form can (a field left empty, a date that is not a date); the
business rules (a deadline in the past, a department already asked, what each opinion needs)
are the service's, whose errors the views put next to the fields they concern.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleErrorsMixin, ModelMultipleChoiceById
from core.models import Department

from .models import Referral
from .referral_selectors import Status


class DepartmentChoiceField(ModelMultipleChoiceById):
    """Departments by name; those already asked about this proposal say so."""

    def __init__(self, *args, already=(), desired=(), **kwargs):
        self.already = set(already)
        self.desired = set(desired)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        if obj.pk in self.already:
            return _("%(department)s (already referred)") % {"department": obj}
        if obj.pk in self.desired:
            return _("%(department)s (named by the business)") % {"department": obj}
        return str(obj)


class ReferForm(AccessibleErrorsMixin, forms.Form):
    departments = DepartmentChoiceField(
        label=_("Departments"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Each department you tick gets its own referral and answers separately. "
            "Its members are told by e-mail."
        ),
        error_messages={"required": _("Choose at least one department.")},
    )
    question = forms.CharField(
        label=_("Question to the departments"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What you need to know, e.g. whether the site can be used, which rules "
            "apply, what it would cost the city. The departments also see the "
            "proposal's content and files."
        ),
        error_messages={"required": _("Write what you ask the departments.")},
    )
    due_date = forms.DateField(
        label=_("Answer by"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "A date in Japan time, today or later (year-month-day, e.g. 2027-04-01). "
            "The departments are reminded before it and told when it has passed."
        ),
        error_messages={
            "required": _("Enter the date by which the departments must answer."),
            "invalid": _("Enter the date as year-month-day, e.g. 2027-04-01."),
        },
    )

    def __init__(self, *args, proposal=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["departments"]
        if proposal is not None:
            field.already = set(proposal.referrals.values_list("department_id", flat=True))
            field.desired = set(proposal.desired_departments.values_list("pk", flat=True))
        field.queryset = Department.objects.order_by("code")


class AnswerForm(AccessibleErrorsMixin, forms.Form):
    opinion = forms.ChoiceField(
        label=_("Your department's opinion"),
        choices=Referral.Opinion.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose your department's opinion.")},
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Required when you support the proposal with conditions: what must be "
            "true or done, e.g. permits, safety measures, times the site is free."
        ),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Required when it is not feasible (why) or when you need more information "
            "(what). The desk uses it in its answer to the business."
        ),
    )


class ReferralMessageForm(AccessibleErrorsMixin, forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a message.")},
    )

    def __init__(self, *args, department_side: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["body"]
        if department_side:
            field.label = _("Question to the desk")
            field.help_text = _(
                "Only the desk reads it; the business does not. The desk is told by e-mail."
            )
        else:
            field.label = _("Message to the department")
            field.help_text = _(
                "Only this department and the desk read it. The department's "
                "members are told by e-mail."
            )


class ReferralFilter(django_filters.FilterSet):
    """The department portal's filter: everything, or unanswered, overdue or answered."""

    STATUS_CHOICES = [
        ("unanswered", _("Unanswered")),
        (Status.OVERDUE, _("Overdue")),
        (Status.ANSWERED, _("Answered")),
    ]

    status = django_filters.ChoiceFilter(
        label=_("Show"), choices=STATUS_CHOICES, method="filter_status", empty_label=_("All")
    )

    class Meta:
        model = Referral
        fields = ["status"]

    def filter_status(self, queryset, name, value):
        if value == "unanswered":
            return queryset.filter(status__in=[Status.OPEN, Status.OVERDUE])
        return queryset.filter(status=value)
