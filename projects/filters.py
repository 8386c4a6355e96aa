"""The public list's filters (django-filter), shared by the list page and its open data.

``filtered_public_projects(params)`` is the one entry point: the list page, the CSV, the
JSON and the PDF of the list all call it with the same query string, so an export always
holds exactly the rows the page shows.

Choices come from the database and are read once each when the filter set is built (one
query per menu, whatever the number of projects). A value that is not one of them — an old
bookmark, a typo, ``?fiscal_year=abc`` — becomes an error of that one field: django-filter
then leaves it out of ``cleaned_data``, so the list is shown with every *other* filter
applied, and the page says which condition was ignored. Never a 500, never an empty list
because of one bad parameter.

Programmes, fields and departments are chosen by their ``code`` (readable, stable
addresses: ``?field=mobility``); the fiscal year by its number; the status by its value.

The keyword ``q`` matches every word (AND) in the public title and summary (both
languages), the partner's name and the locations (both languages). The list is small (a
desk of the real size adopts some 30 projects a year), so a plain ``contains`` over the
lower-cased text is enough and works the same on SQLite and PostgreSQL; lower-casing makes
English words match whatever their case and does not change Japanese.
"""

from __future__ import annotations

import django_filters
from django.db.models import Count, Exists, OuterRef, TextField, Value
from django.db.models.functions import Concat, Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.dates import wareki_fiscal_year
from core.models import Department
from themes.models import Programme

from .models import Field, Project, Status
from .selectors import public_projects

#: Longest keyword accepted; a longer one is ignored with a message.
QUERY_MAX_LENGTH = 100
#: At most this many words of a keyword are used (each one is one more condition).
QUERY_MAX_WORDS = 10
#: The filters in the order the form shows them (and the page reports ignored ones).
FILTER_NAMES = ("q", "fiscal_year", "programme", "field", "status", "department")

#: The message of a value that is not one of the choices, next to its field.
INVALID_CHOICE = _(
    "“%(value)s” is not one of the values you can choose. The list is shown without this condition."
)


def fiscal_year_label(year: int) -> str:
    """2026年度（令和8年度） in Japanese, FY2026 in English."""
    if (get_language() or "ja").startswith("en"):
        return f"FY{year}"
    return f"{year}年度（{wareki_fiscal_year(int(year))}）"


def split_words(query: str) -> list[str]:
    """The distinct lower-cased words of a keyword (any whitespace, 全角スペース included)."""
    words: list[str] = []
    for word in (query or "").lower().split():
        if word not in words:
            words.append(word)
    return words[:QUERY_MAX_WORDS]


class PublicProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Keyword"),
        method="filter_keyword",
        max_length=QUERY_MAX_LENGTH,
        help_text=_(
            "Words in the title, summary, partner or location. Separate words with "
            "spaces to find projects that contain all of them."
        ),
        error_messages={
            "max_length": _(
                "The keyword is longer than %(limit_value)d characters. The list is shown "
                "without it."
            )
        },
    )
    fiscal_year = django_filters.ChoiceFilter(
        label=_("Fiscal year"),
        empty_label=_("All"),
        method="filter_fiscal_year",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    programme = django_filters.ChoiceFilter(
        label=_("Programme"),
        empty_label=_("All"),
        method="filter_programme",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    field = django_filters.ChoiceFilter(
        label=_("Field"),
        empty_label=_("All"),
        method="filter_field",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        empty_label=_("All"),
        choices=Status.choices,
        method="filter_status",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    department = django_filters.ChoiceFilter(
        label=_("Department"),
        empty_label=_("All"),
        method="filter_department",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )

    class Meta:
        model = Project
        fields: tuple[str, ...] = ()

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        published = Project.objects.published()
        # One query gives the years of the menu and how many projects each has: their sum is
        # the number of published projects, which the list then needs no COUNT for when no
        # condition applies (see ``published_count``).
        per_year = list(
            published.order_by("-fiscal_year")
            .values("fiscal_year")
            .annotate(projects=Count("pk"))
            .values_list("fiscal_year", "projects")
        )
        #: How many projects are published in all, whatever the conditions.
        self.published_count = sum(count for _year, count in per_year)
        self.filters["fiscal_year"].extra["choices"] = [
            (str(year), fiscal_year_label(year)) for year, _count in per_year
        ]
        self.filters["programme"].extra["choices"] = [
            (programme.code, str(programme)) for programme in Programme.objects.all()
        ]
        self.filters["field"].extra["choices"] = [
            (field.code, field.localized_name) for field in Field.objects.all()
        ]
        # Only departments that have a published project: a menu of every department of the
        # city would offer mostly empty lists.
        self.filters["department"].extra["choices"] = [
            (department.code, str(department))
            for department in Department.objects.filter(
                Exists(
                    Project.departments.through.objects.filter(
                        department_id=OuterRef("pk"), project__in=published
                    )
                )
            )
        ]

    # --- what the page says about the filter ------------------------------------------------
    @property
    def ignored(self) -> list[dict]:
        """The conditions left out because their value is not valid: one entry per field,
        with the field (for a link to it), its label and the message."""
        if not self.is_bound:
            return []
        errors = self.form.errors
        return [
            {
                "field": self.form[name],
                "label": self.form[name].label,
                "message": " ".join(str(e) for e in errors[name]),
            }
            for name in FILTER_NAMES
            if name in errors
        ]

    @property
    def active(self) -> bool:
        """Whether any valid condition is applied."""
        if not self.is_bound:
            return False
        self.form.is_valid()
        return any(self.form.cleaned_data.get(name) for name in FILTER_NAMES)

    # --- one method per filter --------------------------------------------------------------
    def filter_keyword(self, queryset, name, value):
        words = split_words(value)
        if not words:
            return queryset
        separator = Value("\n")
        queryset = queryset.annotate(
            _public_text=Lower(
                Concat(
                    "public_title",
                    separator,
                    "public_summary",
                    separator,
                    "public_title_en",
                    separator,
                    "public_summary_en",
                    separator,
                    "partner_name",
                    separator,
                    "locations",
                    separator,
                    "locations_en",
                    output_field=TextField(),
                )
            )
        )
        for word in words:
            queryset = queryset.filter(_public_text__contains=word)
        return queryset

    def filter_fiscal_year(self, queryset, name, value):
        return queryset.filter(fiscal_year=int(value)) if value else queryset

    def filter_programme(self, queryset, name, value):
        return queryset.filter(programme__code=value) if value else queryset

    def filter_field(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Exists(
                Project.fields.through.objects.filter(project_id=OuterRef("pk"), field__code=value)
            )
        )

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value) if value else queryset

    def filter_department(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Exists(
                Project.departments.through.objects.filter(
                    project_id=OuterRef("pk"), department__code=value
                )
            )
        )


def filtered_public_projects(params) -> tuple:
    """``(queryset, filterset)``: the published projects that ``params`` (a QueryDict or a
    dict, e.g. ``request.GET``) selects, in the list's order, with what a row shows
    prefetched. Invalid values are ignored (see ``PublicProjectFilter.ignored``); other keys
    (``page``, ``format`` …) are not filters and are ignored silently."""
    filterset = PublicProjectFilter(
        params if params is not None else {}, queryset=public_projects()
    )
    return filterset.qs, filterset
