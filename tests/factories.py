"""Plain functions that build test data through the real models and services (no mocks)."""

from __future__ import annotations

import itertools

from django.utils import timezone

from core.models import Department, Organization, Role, User
from core.validators import make_corporate_number
from proposals import services
from proposals.models import ConsentDocument, Proposal, Referral
from proposals.states import Kind
from reviews.models import ReviewAssignment
from themes.models import Programme

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-9"


def organization(**kw) -> Organization:
    n = next(_seq)
    defaults = dict(
        name=f"テスト株式会社{n}",
        address="福岡市中央区天神1-1-1",
        representative_name="代表 太郎",
        corporate_number=make_corporate_number(f"{n:012d}"),
    )
    if kw.get("is_sole_proprietor"):
        defaults["corporate_number"] = ""
    defaults.update(kw)
    org = Organization(**defaults)
    org.full_clean()
    org.save()
    return org


def department(**kw) -> Department:
    n = next(_seq)
    defaults = dict(code=f"dept-{n}", name=f"テスト局{n}", name_en=f"Test Bureau {n}")
    defaults.update(kw)
    return Department.objects.create(**defaults)


def user(role: str, **kw) -> User:
    n = next(_seq)
    if role == Role.BUSINESS and "organization" not in kw:
        kw["organization"] = organization()
    if role == Role.DEPARTMENT and "department" not in kw:
        kw["department"] = department()
    u = User.objects.create_user(
        email=kw.pop("email", f"{role}{n}@example.jp"),
        password=PASSWORD,
        full_name=kw.pop("full_name", f"{role} {n}"),
        role=role,
        **kw,
    )
    if role == Role.ADMINISTRATOR:
        u.is_staff = u.is_superuser = True
        u.save()
    return u


def programme(**kw) -> Programme:
    n = next(_seq)
    defaults = dict(code=f"prog-{n}", name=f"共働事業{n}", name_en=f"Joint project {n}")
    defaults.update(kw)
    return Programme.objects.create(**defaults)


def consent_documents() -> list[ConsentDocument]:
    docs = []
    for kind, _label in ConsentDocument.Kind.choices:
        doc, _ = ConsentDocument.objects.get_or_create(
            kind=kind,
            version="2026-04",
            defaults=dict(
                title=f"{kind} 本文",
                title_en=f"{kind} text",
                body="本文",
                body_en="Text",
                effective_from=timezone.now() - timezone.timedelta(days=1),
            ),
        )
        docs.append(doc)
    return docs


def draft(
    member: User,
    *,
    kind: str = Kind.PROPOSAL,
    prog: Programme | None = None,
    complete: bool = True,
    **kw,
) -> Proposal:
    prog = prog or programme()
    fields = dict(kind=kind, programme=prog, title=kw.pop("title", "AIオンデマンド交通の実証"))
    if complete:
        fields.update(summary="高齢者の移動を支える", problem="交通空白地", solution="AI配車")
    fields.update(kw)
    proposal = services.create_draft(member, **fields)
    if complete:
        consent_documents()
        services.record_consents(proposal, member, [k for k, _ in ConsentDocument.Kind.choices])
    return proposal


# Who takes each action in a happy path, and the arguments it needs.
ACTION_ARGS = {
    "adopt": {"reason": "社会性と実証可能性が高い"},
    "decline": {"reason": "現時点では実現が困難"},
    "not_accept": {"reason": "単なる物品販売のため"},
    "withdraw": {"reason": "社内事情により"},
    "request_revision": {"note": "費用の内訳を追加してください"},
    "complete": {"outcome": "rolled_out"},
}


def act(proposal: Proposal, action: str, actor: User, **kw):
    args = dict(ACTION_ARGS.get(action, {}))
    args.update(kw)
    return services.transition_proposal(proposal, action, actor, **args)


def refer(proposal: Proposal, dept: Department, by: User) -> Referral:
    return Referral.objects.create(
        proposal=proposal,
        department=dept,
        question="実現可能性は？",
        due_date=timezone.localdate() + timezone.timedelta(days=14),
        created_by=by,
    )


def assign(proposal: Proposal, reviewer: User, conflict: bool = False) -> ReviewAssignment:
    return ReviewAssignment.objects.create(
        proposal=proposal, reviewer=reviewer, conflict_declared=conflict
    )


def adopted_proposal(business: User, desk_staff: User, manager: User, **kw) -> Proposal:
    """A proposal taken through submission, dialogue and coordination, then adopted."""
    proposal = draft(business, **kw)
    for action, actor in [
        ("submit", business),
        ("start_dialogue", desk_staff),
        ("start_coordination", desk_staff),
        ("adopt", manager),
    ]:
        act(proposal, action, actor)
    return proposal


def project(
    people: dict,
    *,
    published: bool = False,
    title: str = "AIオンデマンド交通の実証",
    public_title: str = "AIで呼べる乗合タクシーの実証",
    public_summary: str = "バスの少ない地域で、スマートフォンや電話で呼べる乗合タクシーを試します。",
    **kw,
):
    """The project of an adopted proposal (people: the conftest fixture); optionally with an
    approved public text and published."""
    from projects import services as project_services

    proposal = adopted_proposal(
        people["business"], people["desk_staff"], people["desk_manager"], title=title, **kw
    )
    project = proposal.project
    if published:
        project_services.update_public_text(
            project, people["desk_staff"], title=public_title, summary=public_summary
        )
        project_services.approve_public_text(project, people["desk_manager"])
        project_services.publish(project, people["desk_manager"])
    project.refresh_from_db()
    return project
