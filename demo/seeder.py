"""Builds the demo: programmes, consent texts, departments, businesses, people, proposals in
every state and the projects of the adopted ones, from the data in ``demo.reference``,
``demo.cases`` and ``demo.projects``.

Demo data for Kyoso Desk: programmes, consent texts, departments, businesses, people,
proposals in every state of the lifecycle, and the projects of the adopted ones (public text,
details, agreement, sites booked, reports).

Every proposal reaches its state through the real services (``create_draft``,
``record_consents``, ``transition_proposal``) with the role that takes each step in real life,
so the transition log is as the application would write it. The projects that adoption
creates are filled in through ``projects.services`` (the desk writes the public text, the
manager approves and publishes, the business reports, the desk reviews). Running the command again creates
nothing new: everything is looked up by its natural key first (e-mail, code, corporate number,
proposal title within its organisation, site name); a project is filled in only when its
proposal is created. ``--if-empty`` (used by ``make run``) does nothing
when any user exists.

All the demo logins share one password, ``DEMO_PASSWORD``; see docs/demo-logins.md.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.utils import timezone

from core.models import Department, Organization, Role, User
from core.validators import make_corporate_number
from projects import services as project_services
from projects.models import Field, Project, Report, Site, SiteBooking
from proposals import services
from proposals.models import ConsentDocument, Proposal, ReasonTemplate, Referral
from proposals.states import CityCost, Kind, State
from reviews.models import ReviewAssignment
from themes import services as theme_services
from themes.models import Programme, Theme

from .cases import PROPOSALS, REASON_TEMPLATES, REFERRAL_ANSWERS
from .projects import PROJECTS, SITES
from .reference import (
    BUSINESS_MEMBERS,
    CONSENT_VERSION,
    CONSENTS,
    DEMO_PASSWORD,
    DEPARTMENTS,
    ORGANIZATIONS,
    PROGRAMMES,
    STAFF,
    THEME,
)


def demo_logins() -> list[tuple[str, str]]:
    """(e-mail, role) of every demo login, in the order docs/demo-logins.md lists them."""
    return [(email, role.value) for email, _n, role, _x, _t in STAFF] + [
        (email, Role.BUSINESS.value) for email, _n, _o in BUSINESS_MEMBERS
    ]


class Seeder:
    def __init__(self, command: BaseCommand):
        self.out = command.stdout
        self.now = timezone.now()
        self.today = timezone.localdate()
        # One hash for all demo logins: they share a published password anyway, and hashing
        # once keeps the command fast.
        self.password_hash = make_password(DEMO_PASSWORD)

    def report(self, what: str, created: int, existing: int) -> None:
        self.out.write(f"created {created} {what}, {existing} already present")

    def run(self) -> None:
        self.programmes = self.seed_programmes()
        self.seed_consents()
        self.seed_reason_templates()
        self.departments = self.seed_departments()
        self.organizations = self.seed_organizations()
        self.users = self.seed_users()
        self.theme = self.seed_theme()
        self.sites = self.seed_sites()
        self.project_counts = Counter()
        self.seed_proposals()
        self.report_projects()

    # --- reference data ---------------------------------------------------------------------
    def seed_programmes(self) -> dict[str, Programme]:
        result, created = {}, 0
        for spec in PROGRAMMES:
            spec = dict(spec)
            programme, was_created = Programme.objects.get_or_create(
                code=spec.pop("code"), defaults=spec
            )
            result[programme.code] = programme
            created += was_created
        self.report("programmes", created, len(result) - created)
        return result

    def seed_consents(self) -> None:
        # In force from the start of April 2026 (or now, on a clock set earlier).
        start = timezone.make_aware(dt.datetime(2026, 4, 1))
        effective_from = min(start, self.now)
        created = 0
        for spec in CONSENTS:
            spec = dict(spec)
            _doc, was_created = ConsentDocument.objects.get_or_create(
                kind=spec.pop("kind"),
                version=CONSENT_VERSION,
                defaults=dict(spec, effective_from=effective_from),
            )
            created += was_created
        self.report(f"consent texts (version {CONSENT_VERSION})", created, len(CONSENTS) - created)

    def seed_reason_templates(self) -> None:
        created = 0
        for order, (action, title, body) in enumerate(REASON_TEMPLATES):
            _template, was_created = ReasonTemplate.objects.get_or_create(
                action=action, title=title, defaults={"body": body, "sort_order": order}
            )
            created += was_created
        self.report("reason templates", created, len(REASON_TEMPLATES) - created)

    def seed_departments(self) -> dict[str, Department]:
        result, created = {}, 0
        for code, name, name_en in DEPARTMENTS:
            department, was_created = Department.objects.get_or_create(
                code=code,
                defaults=dict(name=name, name_en=name_en, email=f"{code}@city.example.jp"),
            )
            result[code] = department
            created += was_created
        self.report("departments", created, len(result) - created)
        return result

    def seed_organizations(self) -> dict[str, Organization]:
        result, created = {}, 0
        for spec in ORGANIZATIONS:
            spec = dict(spec)
            key, base = spec.pop("key"), spec.pop("base")
            if base:
                number = make_corporate_number(base)
                organization = Organization.objects.filter(corporate_number=number).first()
                spec.update(corporate_number=number, is_sole_proprietor=False)
            else:
                organization = Organization.objects.filter(
                    name=spec["name"], corporate_number="", is_sole_proprietor=True
                ).first()
                spec.update(corporate_number="", is_sole_proprietor=True)
            if organization is None:
                organization = Organization(**spec)
                organization.full_clean()
                organization.save()
                created += 1
            result[key] = organization
        self.report("organisations", created, len(result) - created)
        return result

    # --- people -----------------------------------------------------------------------------
    def _user(self, email: str, **fields) -> tuple[User, bool]:
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            return user, False
        user = User.objects.create_user(email=email, password=None, **fields)
        user.password = self.password_hash
        user.save(update_fields=["password"])
        return user, True

    def seed_users(self) -> dict[str, User]:
        result, created = {}, 0
        for email, full_name, role, extra, _try in STAFF:
            fields = dict(full_name=full_name, role=role)
            if "department" in extra:
                fields["department"] = self.departments[extra["department"]]
            if "affiliation" in extra:
                fields["affiliation"] = extra["affiliation"]
            if role == Role.ADMINISTRATOR:
                fields.update(is_staff=True, is_superuser=True)
            user, was_created = self._user(email, **fields)
            result[email] = user
            created += was_created
        self.business_of: dict[str, User] = {}
        for email, full_name, org_key in BUSINESS_MEMBERS:
            user, was_created = self._user(
                email,
                full_name=full_name,
                role=Role.BUSINESS,
                organization=self.organizations[org_key],
            )
            result[email] = user
            self.business_of[org_key] = user
            created += was_created
        self.report("users", created, len(result) - created)
        self.desk = result["desk@example.jp"]
        self.manager = result["manager@example.jp"]
        return result

    def seed_theme(self) -> Theme:
        spec = dict(THEME)
        department = self.departments[spec.pop("department")]
        programme = self.programmes[spec.pop("programme")]
        theme, created = Theme.objects.get_or_create(
            kind=spec.pop("kind"),
            title=spec.pop("title"),
            defaults=dict(
                spec,
                department=department,
                programme=programme,
                opens_at=self.now - dt.timedelta(days=14),
                closes_at=self.now + dt.timedelta(days=14),
                questions_until=self.now + dt.timedelta(days=4),
            ),
        )
        self.report("themed calls (open for four weeks)", int(created), 1 - int(created))
        if created:
            # A question a business asked during the question period, answered for everyone.
            asker = self.business_of[next(iter(self.business_of))]
            question = theme_services.ask_question(
                theme, asker, "離島（玄界島）への輸送を含めない提案も対象になりますか。"
            )
            theme_services.answer_question(
                question,
                self.desk,
                "対象になります。離島への輸送は必須ではありませんが、孤立地域への輸送を想定した"
                "提案を優先的に評価します。",
            )
        return theme

    def seed_sites(self) -> dict[str, Site]:
        """Facilities the city can provide, each with the department in charge."""
        result, created = {}, 0
        for key, name, address, department, notes in SITES:
            site = Site.objects.filter(name=name).first()
            if site is None:
                site = project_services.save_site(
                    self.desk,
                    name=name,
                    address=address,
                    department=self.departments[department],
                    notes=notes,
                )
                created += 1
            result[key] = site
        self.report("sites", created, len(result) - created)
        return result

    # --- proposals --------------------------------------------------------------------------
    def seed_proposals(self) -> None:
        created = transitions = referrals = assignments = 0
        for spec in PROPOSALS:
            organization = self.organizations[spec["org"]]
            if Proposal.objects.filter(organization=organization, title=spec["title"]).exists():
                continue
            proposal, steps = self.build_proposal(spec)
            created += 1
            transitions += steps
            for code, question in spec.get("referrals", []):
                due = self.today + dt.timedelta(
                    days=14 if proposal.state in (State.COORDINATION, State.REVIEW) else -30
                )
                referral, was_created = Referral.objects.get_or_create(
                    proposal=proposal,
                    department=self.departments[code],
                    defaults=dict(question=question, due_date=due, created_by=self.desk),
                )
                referrals += was_created
                answer = REFERRAL_ANSWERS.get((spec["title"], code))
                member = self.department_member(code)
                if was_created and answer and member is not None:
                    services.answer_referral(
                        referral, member, answer[0], comment=answer[1], conditions=answer[2]
                    )
            for email, conflict, note in spec.get("reviewers", []):
                _a, was_created = ReviewAssignment.objects.get_or_create(
                    proposal=proposal,
                    reviewer=self.users[email],
                    defaults=dict(conflict_declared=conflict, conflict_note=note),
                )
                assignments += was_created
        self.out.write(
            f"created {created} proposals through the lifecycle ({transitions} transitions, "
            f"{referrals} referrals, {assignments} review assignments), "
            f"{len(PROPOSALS) - created} already present"
        )
        titles = [spec["title"] for spec in PROPOSALS]
        counts = Counter(Proposal.objects.filter(title__in=titles).values_list("state", flat=True))
        self.out.write(
            "demo proposals by state: "
            + ", ".join(f"{state.value} {counts.get(state.value, 0)}" for state in State)
        )

    def department_member(self, code: str):
        return (
            User.objects.filter(
                role=Role.DEPARTMENT, department=self.departments[code], is_active=True
            )
            .order_by("pk")
            .first()
        )

    def build_proposal(self, spec: dict) -> tuple[Proposal, int]:
        member = self.business_of[spec["org"]]
        fields = dict(
            kind=spec["kind"],
            programme=self.programmes[spec["programme"]],
            title=spec["title"],
            summary=spec.get("summary", ""),
            problem=spec.get("problem", ""),
            solution=spec.get("solution", ""),
            expected_effect=spec.get("expected_effect", ""),
            ask_field=spec.get("ask_field", False),
            ask_data=spec.get("ask_data", False),
            ask_publicity=spec.get("ask_publicity", False),
            ask_deregulation=spec.get("ask_deregulation", False),
            city_cost=spec.get("city_cost", CityCost.NONE),
            city_cost_detail=spec.get("city_cost_detail", ""),
            desired_location=spec.get("desired_location", ""),
            confidential_fields=spec.get("confidential", []),
            desired_departments=[self.departments[code] for code in spec.get("depts", [])],
        )
        if spec.get("theme"):
            fields["theme"] = self.theme
        if spec["kind"] == Kind.PROPOSAL:
            # A three-month project starting in about two months.
            start = self.today + dt.timedelta(days=60)
            fields.update(
                desired_start=start,
                desired_end=start + dt.timedelta(days=90),
                schedule="協定締結後、1か月の準備期間を経て3か月間実施し、"
                "終了後1か月以内に結果を報告します。",
            )
        proposal = services.create_draft(member, **fields)
        kinds = spec.get("consents", [kind for kind, _label in ConsentDocument.Kind.choices])
        services.record_consents(proposal, member, kinds)
        actors = {"business": member, "desk": self.desk, "manager": self.manager}
        details = PROJECTS.get(spec["title"])
        for action, who, arguments in spec["steps"]:
            # The agreement and the completion carry project facts (the agreement date, the
            # public outcome): the project services record them and move the proposal.
            if action == "conclude_agreement":
                self.conclude_agreement(proposal, details)
            elif action == "complete":
                self.complete_project(proposal, member, details, arguments["outcome"])
            else:
                services.transition_proposal(proposal, action, actors[who], **arguments)
            if action == "adopt":
                agreed = any(step[0] == "conclude_agreement" for step in spec["steps"])
                self.describe_project(proposal, details, book_now=not agreed)
        if proposal.state == State.IN_FIELD:
            self.file_reports(proposal, member, details)
        return proposal, len(spec["steps"])

    # --- projects ---------------------------------------------------------------------------
    def _project(self, proposal) -> Project:
        project = Project.objects.get(proposal=proposal)
        # The services move the proposal through project.proposal: let it be this very object,
        # so the next lifecycle step does not start from a stale copy.
        project.proposal = proposal
        return project

    def _day(self, offset: int) -> dt.date:
        return self.today + dt.timedelta(days=offset)

    def describe_project(self, proposal, details: dict, *, book_now: bool) -> None:
        """Just adopted: the desk writes the public text and the details; the manager approves
        and publishes (all but one, left waiting for approval)."""
        project = self._project(proposal)
        project_services.update_public_text(
            project,
            self.desk,
            title=details["title"],
            summary=details["summary"],
            title_en=details["title_en"],
            summary_en=details["summary_en"],
        )
        start, end = details["period"]
        project_services.update_details(
            project,
            self.desk,
            fields=list(Field.objects.filter(code__in=details["fields"])),
            departments=[self.departments[code] for code in details["departments"]],
            locations=details["locations"],
            locations_en=details["locations_en"],
            period_start=self._day(start),
            period_end=self._day(end),
            procurement_route=details["route"],
        )
        if details["publish"]:
            project_services.approve_public_text(project, self.manager)
            project_services.publish(project, self.manager)
            self.project_counts["published"] += 1
        else:
            self.project_counts["waiting for approval"] += 1
        if book_now:
            # No agreement yet: the sites are booked provisionally while it is prepared.
            self.book_sites(project, details)

    def conclude_agreement(self, proposal, details: dict) -> None:
        project = self._project(proposal)
        project_services.record_agreement(project, self.desk, agreement_date=self.today)
        self.book_sites(project, details)

    def book_sites(self, project: Project, details: dict) -> None:
        for key, start, end, conditions in details.get("bookings", []):
            arguments = dict(
                site=self.sites[key],
                start=self._day(start),
                end=self._day(end),
                conditions=conditions,
            )
            try:
                project_services.book_site(project, self.desk, **arguments)
            except project_services.SiteOverlap:
                # The desk reads the warning, checks with the department, books anyway.
                project_services.book_site(project, self.desk, confirm_overlap=True, **arguments)
                self.project_counts["overlaps confirmed"] += 1
            self.project_counts["bookings"] += 1

    def file_reports(self, proposal, member: User, details: dict) -> None:
        """The business reports; the desk accepts (``accept`` True) or has yet to review."""
        project = self._project(proposal)
        for spec in details.get("reports", []):
            report = project_services.submit_report(
                project, member, kind=spec["kind"], body=spec["body"], figures=spec["figures"]
            )
            if spec["accept"] is not None:
                project_services.review_report(
                    report,
                    self.desk,
                    accept=spec["accept"],
                    comment="報告を確認しました。結果は公開の一覧に反映します。",
                )
            self.project_counts["reports"] += 1

    def complete_project(self, proposal, member: User, details: dict, outcome: str) -> None:
        project = self._project(proposal)
        self.file_reports(proposal, member, details)
        project_services.complete(
            project,
            self.desk,
            outcome=outcome,
            outcome_summary=details["outcome_summary"],
            outcome_summary_en=details["outcome_summary_en"],
        )

    def report_projects(self) -> None:
        counts = self.project_counts
        self.out.write(
            f"filled in {counts['published'] + counts['waiting for approval']} projects "
            f"({counts['published']} published, {counts['waiting for approval']} waiting for "
            f"approval, {counts['bookings']} site bookings, {counts['overlaps confirmed']} "
            f"overlap confirmed, {counts['reports']} reports); "
            f"{Project.objects.count()} projects, {SiteBooking.objects.count()} bookings and "
            f"{Report.objects.count()} reports in the database"
        )
