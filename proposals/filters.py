"""The desk inbox's filters (django-filter), shared by the inbox page and its CSV exports.

Choices that come from the database (programmes, themes, departments, desk staff) are read
once each when the filter set is built and offered as plain choices, so validating a value
costs no extra query and a bookmarked value that no longer exists (``?programme=99999``)
becomes a form error, never a 500.

The keyword search looks in ``Proposal.search_text`` (receipt number, title and summary,
lower-cased when saved) with a plain ``contains`` on the lower-cased words: ``icontains``
would wrap the column in UPPER() and defeat PostgreSQL's trigram index. Organisation names
are searched in a separate small query whose ids join the condition, so PostgreSQL can still
combine the trigram index with the index on ``organization_id``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import django_filters
from django import forms
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, StrIndex
from django.db.models.lookups import GreaterThan
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core import dates
from core.dates import JAPAN, fiscal_year
from core.models import Department, Organization
from themes.models import Programme, Theme

from . import stats
from .models import Proposal, Referral
from .services.inbox import desk_users as all_desk_users
from .states import OPEN_STATES, Kind, State

#: Longest keyword query accepted; a longer one is refused with a message, not searched.
QUERY_MAX_LENGTH = 100
#: At most this many words in one query (each is one more condition).
QUERY_MAX_WORDS = 10
#: Above this many organisations matching one word, their names are searched by a join
#: instead of a list of ids.
ORG_ID_LIST_MAX = 500
#: How a page is sorted (see InboxFilter.plan_page).
FEW_ROWS = 500
SORT_AFTER_ROWS = 20_000
DEEP_OFFSET = 2000
#: The first fiscal year offered (the desk this is modelled on opened in May 2018).
FIRST_FISCAL_YEAR = 2018

YES, NO = "yes", "no"
UNASSIGNED = "unassigned"

#: sort key -> (label, ordering ascending); "-key" sorts descending.
SORTS = {
    "received": _("Received"),
    "receipt": _("Receipt number"),
    "title": _("Title"),
    "state": _("Status"),
    "waiting": _("Days waiting"),
}
DEFAULT_SORT = "-received"
#: The sort menu of the filter form, the default first (a form sent without touching it keeps
#: the default order).
SORT_CHOICES = [
    ("-received", _("Received, newest first")),
    ("received", _("Received, oldest first")),
    ("-waiting", _("Days waiting, longest first")),
    ("waiting", _("Days waiting, shortest first")),
    ("receipt", _("Receipt number, ascending")),
    ("-receipt", _("Receipt number, descending")),
    ("title", _("Title, ascending")),
    ("-title", _("Title, descending")),
    ("state", _("Status, in the order of the lifecycle")),
    ("-state", _("Status, in reverse order")),
]
STATE_ORDER = [value for value in State.values if value != State.DRAFT]


def _has_word_character(text: str) -> bool:
    """Letters (kana and kanji included) or digits: something a title can contain."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def split_query(query: str) -> list[str]:
    """The lower-cased words of a keyword query; words of symbols only are dropped."""
    words = []
    for word in (query or "").split():
        word = word.lower()
        if _has_word_character(word) and word not in words:
            words.append(word)
    return words


def _trigram_indexable(word: str) -> bool:
    """Whether PostgreSQL's trigram index can narrow ``LIKE '%word%'`` down: only when the word
    holds three letters or digits in a row. Otherwise pg_trgm extracts no trigram and the index
    is read whole (slower than a scan), so such words are matched in a form the index cannot
    serve: the planner then scans, or uses the other filters' indexes first."""
    run = 0
    for ch in word:
        run = run + 1 if ch.isalnum() else 0
        if run >= 3:
            return True
    return False


def word_q(word: str) -> Q:
    """``search_text`` holds ``word`` (already lower-cased). Never ``icontains``: its UPPER()
    would defeat the index."""
    if _trigram_indexable(word):
        return Q(search_text__contains=word)
    # STRPOS on PostgreSQL, INSTR on SQLite: the same match as LIKE '%word%' (case-sensitive,
    # on lower-cased text), in a form the trigram index does not claim.
    return Q(GreaterThan(StrIndex("search_text", Value(word)), 0))


def overdue_q(today: dt.date | None = None) -> Q:
    """Open proposals past the desk's answer target without a first response, or with a
    department's answer past its deadline — the duty to answer as ``proposals.stats`` defines
    it (the dashboard and the daily digest use the same definition)."""
    today = today or dates.today()
    cutoff = dt.datetime.combine(
        today - dt.timedelta(days=stats.response_target_days()), dt.time.min, tzinfo=JAPAN
    )
    unanswered = Q(first_response_at__isnull=True, submitted_at__lt=cutoff)
    late_referral = Q(
        Exists(
            Referral.objects.filter(
                proposal_id=OuterRef("pk"), answered_at__isnull=True, due_date__lt=today
            )
        )
    )
    return Q(state__in=OPEN_STATES) & (unanswered | late_referral)


class InboxFilterForm(forms.Form):
    """The filter form: the keyword is stripped, limited and checked with clear messages."""

    def clean_q(self):
        query = " ".join((self.cleaned_data.get("q") or "").split())
        if query and not split_query(query):
            raise forms.ValidationError(
                _("Enter a word to search for: letters, kana, kanji or digits, not only symbols."),
                code="symbols_only",
            )
        if len(split_query(query)) > QUERY_MAX_WORDS:
            raise forms.ValidationError(
                _("Search for at most %(max)d words at a time."),
                code="too_many_words",
                params={"max": QUERY_MAX_WORDS},
            )
        return query


def _yes_no():
    return [(YES, _("Yes")), (NO, _("No"))]


class InboxFilter(django_filters.FilterSet):
    """Every filter of the desk's inbox. ``filter_queryset(qs, skip=("state",))`` gives the
    list the per-state counts are taken from."""

    q = django_filters.CharFilter(
        label=_("Keyword"),
        method="filter_keyword",
        max_length=QUERY_MAX_LENGTH,
        help_text=_(
            "Receipt number, title, summary or organisation. Two-character words such "
            "as 防災 work too."
        ),
    )
    state = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=[c for c in State.choices if c[0] != State.DRAFT],
        widget=forms.CheckboxSelectMultiple,
        method="filter_state",
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices, empty_label=_("All"))
    programme = django_filters.ChoiceFilter(
        label=_("Programme"), empty_label=_("All"), method="filter_programme"
    )
    theme = django_filters.ChoiceFilter(
        label=_("Themed call or presented issue"), empty_label=_("All"), method="filter_theme"
    )
    lead = django_filters.ChoiceFilter(
        label=_("Lead at the desk"), empty_label=_("Anyone"), method="filter_lead"
    )
    department = django_filters.ChoiceFilter(
        label=_("Referred to department"), empty_label=_("Any"), method="filter_department"
    )
    fiscal_year = django_filters.ChoiceFilter(
        label=_("Fiscal year"), empty_label=_("All"), method="filter_fiscal_year"
    )
    startup = django_filters.ChoiceFilter(
        label=_("Startup"), choices=_yes_no, empty_label=_("All"), method="filter_startup"
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=_yes_no,
        empty_label=_("All"),
        method="filter_overdue",
        help_text=_(
            "No first response within the desk's target, or a department's answer "
            "past its deadline."
        ),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), empty_label=None, method="filter_sort", choices=SORT_CHOICES
    )

    #: Set by the inbox once its counts show the filter matches few rows (see filter_sort).
    sort_after_filtering = False

    class Meta:
        model = Proposal
        fields: tuple[str, ...] = ()
        form = InboxFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, desk_users=None):
        super().__init__(data, queryset, request=request, prefix=prefix)

        #: The desk's staff, read once: the lead filter and the bulk "assign" list share it.
        self.desk_users = list(desk_users if desk_users is not None else all_desk_users())
        self.filters["lead"].extra["choices"] = [(UNASSIGNED, _("Unassigned"))] + [
            (
                str(u.pk),
                u.full_name or u.email
                if u.is_active
                else _("%(name)s (inactive)") % {"name": u.full_name or u.email},
            )
            for u in self.desk_users
        ]
        self.filters["programme"].extra["choices"] = [
            (str(p.pk), str(p)) for p in Programme.objects.all()
        ]
        self.filters["theme"].extra["choices"] = [
            (str(pk), title) for pk, title in Theme.objects.values_list("pk", "title")
        ]
        self.filters["department"].extra["choices"] = [
            (str(d.pk), str(d)) for d in Department.objects.all()
        ]
        this_year = fiscal_year()
        self.filters["fiscal_year"].extra["choices"] = [
            (str(year), f"{year}年度" if _is_japanese() else f"FY{year}")
            for year in range(this_year, FIRST_FISCAL_YEAR - 1, -1)
        ]

    # --- the whole query --------------------------------------------------------------------
    def filter_queryset(self, queryset, skip=()):
        """Apply every valid filter except those named in ``skip``; sort last."""
        data = self.form.cleaned_data
        for name, value in data.items():
            if name in skip or name == "sort":
                continue
            queryset = self.filters[name].filter(queryset, value)
        if "sort" not in skip:
            queryset = self.filter_sort(queryset, "sort", data.get("sort") or DEFAULT_SORT)
        return queryset

    def plan_page(self, total: int, offset: int) -> None:
        """Decide how the page of ``total`` matching rows starting at ``offset`` is sorted.

        Sorting by date (or receipt number) can walk the index in that order until 50 rows
        match — instant when matches are common and spread out, but a read of nearly the
        whole table when they are few or bunched at the far end (a past fiscal year, overdue
        ones, one year's receipt numbers). Sorting after filtering costs about what counting
        did. So: sort after filtering when few rows match, when the page is deep, when a filter
        goes with the date of intake, or when at most SORT_AFTER_ROWS match and the filter is
        served by indexes; walk the index when many match or the keyword needs a scan anyway
        (a word without three letters in a row, such as 防災: counting already scanned).
        """
        data = self.form.cleaned_data
        scans = any(not _trigram_indexable(word) for word in split_query(data.get("q") or ""))
        self.sort_after_filtering = (
            total <= FEW_ROWS
            or offset >= DEEP_OFFSET
            or bool(data.get("fiscal_year") or data.get("overdue"))
            or (total <= SORT_AFTER_ROWS and not scans)
        )

    @property
    def current_sort(self) -> str:
        if self.is_bound and self.form.is_valid():
            return self.form.cleaned_data.get("sort") or DEFAULT_SORT
        return DEFAULT_SORT

    # --- one method per filter --------------------------------------------------------------
    def filter_keyword(self, queryset, name, value):
        words = split_query(value)
        if not words:
            return queryset
        # One query for the organisations whose name holds any of the words; the names are
        # matched per word here, so the count of queries does not grow with the words.
        # (Cached: the list and its per-state counts apply the same keyword.)
        cache = self.__dict__.setdefault("_organisations_matching", {})
        if tuple(words) not in cache:
            condition = Q()
            for word in words:
                condition |= Q(name_lower__contains=word)
            cache[tuple(words)] = list(
                Organization.objects.annotate(name_lower=Lower("name"))
                .filter(condition)
                .order_by()
                .values_list("pk", "name")[: ORG_ID_LIST_MAX * len(words) + 1]
            )
        orgs = cache[tuple(words)]
        for word in words:
            matching = [pk for pk, org_name in orgs if word in org_name.lower()]
            if len(orgs) > ORG_ID_LIST_MAX * len(words) and len(matching) >= ORG_ID_LIST_MAX:
                queryset = queryset.annotate(_org_name_lower=Lower("organization__name"))
                queryset = queryset.filter(word_q(word) | Q(_org_name_lower__contains=word))
            elif matching:
                queryset = queryset.filter(word_q(word) | Q(organization_id__in=matching))
            else:
                queryset = queryset.filter(word_q(word))
        return queryset

    def filter_state(self, queryset, name, value):
        return queryset.filter(state__in=value) if value else queryset

    def filter_programme(self, queryset, name, value):
        return queryset.filter(programme_id=int(value)) if value else queryset

    def filter_theme(self, queryset, name, value):
        return queryset.filter(theme_id=int(value)) if value else queryset

    def filter_lead(self, queryset, name, value):
        if not value:
            return queryset
        if value == UNASSIGNED:
            return queryset.filter(lead__isnull=True)
        return queryset.filter(lead_id=int(value))

    def filter_department(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Exists(Referral.objects.filter(proposal_id=OuterRef("pk"), department_id=int(value)))
        )

    def filter_fiscal_year(self, queryset, name, value):
        return queryset.filter(fiscal_year=int(value)) if value else queryset

    def filter_startup(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(organization__is_startup=(value == YES))

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(overdue_q()) if value == YES else queryset.exclude(overdue_q())

    def filter_sort(self, queryset, name, value):
        key = (value or DEFAULT_SORT).lstrip("-")
        descending = (value or DEFAULT_SORT).startswith("-")
        if key in ("received", "receipt") and self.sort_after_filtering:
            # The same order through an expression no index provides: PostgreSQL then filters
            # first and sorts the few rows left, instead of walking the whole date (or number)
            # index in order hoping to meet 50 matches early — which for a filter matching few,
            # old proposals (overdue, a past fiscal year) means reading nearly every row.
            first = (
                Coalesce("submitted_at", "created_at")
                if key == "received"
                else Coalesce("receipt_number", Value(""))
            )
            if descending:
                return queryset.order_by(first.desc(), "-created_at", "-pk")
            return queryset.order_by(first.asc(), "created_at", "pk")
        if key == "received":
            fields = ["submitted_at", "created_at", "pk"]
        elif key == "receipt":
            fields = ["receipt_number", "pk"]
        elif key == "title":
            fields = ["title", "pk"]
        elif key == "state":
            queryset = queryset.annotate(
                _state_order=Case(
                    *[When(state=s, then=Value(i)) for i, s in enumerate(STATE_ORDER)],
                    default=Value(len(STATE_ORDER)),
                    output_field=IntegerField(),
                )
            )
            fields = ["_state_order", "-submitted_at", "pk"]
            if descending:
                return queryset.order_by("-_state_order", "-submitted_at", "-pk")
            return queryset.order_by(*fields)
        elif key == "waiting":
            # Longest waiting first: unanswered ones by intake date, oldest first; then those
            # already answered.
            queryset = queryset.annotate(
                _unanswered=ExpressionWrapper(
                    Q(first_response_at__isnull=True), output_field=BooleanField()
                )
            )
            if descending:
                return queryset.order_by(F("_unanswered").desc(), "submitted_at", "pk")
            return queryset.order_by(F("_unanswered").asc(), "-submitted_at", "-pk")
        else:  # pragma: no cover — the form only lets the keys above through
            fields = ["submitted_at", "created_at", "pk"]
        return queryset.order_by(*[f"-{f}" if descending else f for f in fields])


def _is_japanese() -> bool:
    return not (get_language() or "ja").startswith("en")
