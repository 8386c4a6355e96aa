"""The bench's data, made through the application's services as the intake makes it (consents
recorded, drafts complete), with bulk inserts only where nothing but rows is needed (the
organisations and members of the deadline burst)."""

from __future__ import annotations

import datetime as dt
import os

TITLE, SUMMARY, PROBLEM, SOLUTION = "提案", "高齢者の移動を支える", "交通空白地", "AI配車"


def consent_kinds() -> list[str]:
    """The demo's consent texts, in force since yesterday; every kind (all must be accepted)."""
    from django.utils import timezone

    from demo.reference import CONSENT_VERSION, CONSENTS
    from proposals.models import ConsentDocument

    for spec in CONSENTS:
        ConsentDocument.objects.get_or_create(
            kind=spec["kind"],
            version=CONSENT_VERSION,
            defaults={**spec, "effective_from": timezone.now() - dt.timedelta(days=1)},
        )
    return [kind for kind, _label in ConsentDocument.Kind.choices]


def complete_draft(member, programme, kinds: list[str], title: str, theme=None):
    """A draft with everything submission needs, its consents recorded (services only)."""
    from proposals import services
    from proposals.states import Kind

    proposal = services.create_draft(
        member,
        kind=Kind.PROPOSAL,
        programme=programme,
        theme=theme,
        title=title,
        summary=SUMMARY,
        problem=PROBLEM,
        solution=SOLUTION,
    )
    services.record_consents(proposal, member, kinds)
    return proposal


def deadline_data(members: int, rounds: dict[str, int]):
    """A call open for a month, ``members`` business members of their own organisations, and a
    complete draft for the call for each of the first ``rounds[name]`` members, per round.
    Returns (theme, [member, …], {round: [draft pk, …]}), the drafts in the members' order."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from core.models import Department, Organization, Role, User
    from core.validators import make_corporate_number
    from themes.models import Programme, Theme

    now = timezone.now()
    kinds = consent_kinds()
    department = Department.objects.create(
        code="bench-deadline", name="締切ベンチ局", name_en="Deadline bench bureau"
    )
    programme = Programme.objects.create(
        code="bench-deadline", name="共働事業（締切ベンチ）", name_en="Joint project (bench)"
    )
    theme = Theme.objects.create(
        title="締切の瞬間に届く提案の募集（ベンチ）",
        department=department,
        programme=programme,
        opens_at=now - dt.timedelta(days=3),
        closes_at=now + dt.timedelta(days=30),
    )
    organizations = Organization.objects.bulk_create(
        [
            Organization(
                corporate_number=make_corporate_number(f"8{i:011d}"),
                name=f"締切ベンチ株式会社{i}",
                address="福岡市中央区天神1-1-1",
                representative_name="代表 太郎",
            )
            for i in range(members)
        ]
    )
    unusable = make_password(None)  # they are signed in with a session, never a password
    User.objects.bulk_create(
        [
            User(
                email=f"deadline{i}@example.jp",
                full_name=f"締切 太郎{i}",
                role=Role.BUSINESS,
                organization=org,
                email_verified_at=now,
                password=unusable,
            )
            for i, org in enumerate(organizations)
        ]
    )
    people = list(User.objects.filter(email__startswith="deadline").order_by("pk"))
    drafts = {
        name: [
            complete_draft(member, programme, kinds, f"締切ベンチの{TITLE}（{name}）", theme).pk
            for member in people[:count]
        ]
        for name, count in rounds.items()
    }
    return theme, people, drafts


def outage_data(projects: int, phases, people: dict[str, str], password: str) -> dict:
    """``projects`` published projects (``seed_bench_projects``), a desk member and a business
    member who sign in with ``password`` (``people``: role → e-mail), and per phase a complete
    draft and a submitted proposal of the business: {phase: {"draft": pk, "submitted": pk}}."""
    from django.core.management import call_command
    from django.utils import timezone

    from core.models import Organization, Role, User
    from core.validators import make_corporate_number
    from proposals import services
    from themes.models import Programme

    call_command("seed_bench_projects", projects=projects, stdout=open(os.devnull, "w"))
    kinds = consent_kinds()
    programme = Programme.objects.create(
        code="bench-outage", name="共働事業（障害ベンチ）", name_en="Joint project (outage)"
    )
    organization = Organization.objects.create(
        corporate_number=make_corporate_number("770000000001"),
        name="障害ベンチ株式会社",
        address="福岡市中央区天神1-1-1",
        representative_name="代表 太郎",
    )
    desk = User.objects.create_user(
        email=people["desk"], password=password, full_name="窓口 障害", role=Role.DESK_STAFF
    )
    business = User.objects.create_user(
        email=people["business"],
        password=password,
        full_name="事業者 障害",
        role=Role.BUSINESS,
        organization=organization,
    )
    User.objects.filter(pk__in=[desk.pk, business.pk]).update(email_verified_at=timezone.now())
    made = {}
    for phase in phases:
        draft = complete_draft(business, programme, kinds, f"障害時の{TITLE}（{phase}）")
        submitted = complete_draft(
            business, programme, kinds, f"障害時の{TITLE}（{phase}・提出済）"
        )
        services.transition_proposal(submitted, "submit", business)
        made[phase] = {"draft": draft.pk, "submitted": submitted.pk}
    return made
