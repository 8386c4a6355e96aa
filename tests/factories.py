"""Plain functions that build test data through the real models and services (no mocks)."""

from __future__ import annotations

import itertools
import struct
import zlib
from collections import deque
from decimal import Decimal

from django.utils import timezone

from core import rules
from core.models import Department, Organization, Role, User
from core.validators import make_corporate_number
from projects import services as project_services
from projects.models import Field, Project
from proposals import services
from proposals.models import ConsentDocument, Proposal, Referral
from proposals.states import Kind, State
from reviews.models import ReviewAssignment
from themes.models import Criterion, Programme, Rubric, Theme

from .support import CLOSES, OPENS, QUESTIONS_UNTIL, RESULTS

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


# --- the lifecycle, walked through the service ------------------------------------------------

# Every transition declared on Proposal (django-fsm), so that a new transition or a new source
# state is reached without editing the tests.
ALL_TRANSITIONS = sorted(
    Proposal._meta.get_field("state").get_all_transitions(Proposal),
    key=lambda t: (t.name, str(t.source)),
)


def condition_names(t) -> set[str]:
    return {getattr(c, "__name__", repr(c)) for c in t.conditions}


def _fits(t, kind: str) -> bool:
    """Can a proposal of ``kind`` (with an ordinary programme) take transition ``t``?"""
    names = condition_names(t)
    if kind == Kind.CONSULTATION:
        return not names & {"is_proposal", "review_not_required"}
    return "is_consultation" not in names


def _shortest_paths(kind: str) -> dict[str, list[str]]:
    """For each state reachable from a draft of ``kind``: the shortest list of actions."""
    paths: dict[str, list[str]] = {State.DRAFT.value: []}
    queue = deque([State.DRAFT.value])
    while queue:
        state = queue.popleft()
        for t in ALL_TRANSITIONS:
            target = str(t.target)
            if str(t.source) != state or target in paths or not _fits(t, kind):
                continue
            paths[target] = paths[state] + [t.name]
            queue.append(target)
    return paths


PATHS = {kind: _shortest_paths(kind) for kind in Kind.values}


def actor_for(action: str, people):
    """Somebody who may take ``action`` on a proposal of ``people['business']``."""
    if action in rules.BUSINESS_ACTIONS:
        return people["business"]
    if action in rules.MANAGER_ACTIONS:
        return people["desk_manager"]
    if action in rules.DESK_ACTIONS:
        return people["desk_staff"]
    raise AssertionError(f"{action!r} is in no action group of core.rules")


def reach(state: str, people, *, kind: str | None = None, prog=None, **draft_kw) -> Proposal:
    """A proposal of ``people['business']`` in ``state``, walked there through the service."""
    if kind is None:
        kind = Kind.PROPOSAL if state in PATHS[Kind.PROPOSAL] else Kind.CONSULTATION
    assert state in PATHS[kind], f"{state} cannot be reached by a {kind}"
    proposal = draft(people["business"], kind=kind, prog=prog, **draft_kw)
    for action in PATHS[kind][state]:
        act(proposal, action, actor_for(action, people))
    assert proposal.state == state
    return proposal


# --- projects ---------------------------------------------------------------------------------


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


def with_draft(people, **kw) -> Project:
    """A project whose public text the desk has drafted, waiting for the manager."""
    drafted = project(people, **kw)
    project_services.update_public_text(
        drafted, people["desk_staff"], title="市民向けの題名", summary="市民向けの概要です。"
    )
    return drafted


def with_agreement(people) -> Project:
    """A project whose agreement the desk recorded today."""
    agreed = project(people)
    project_services.record_agreement(
        agreed, people["desk_staff"], agreement_date=timezone.localdate()
    )
    agreed.refresh_from_db()
    return agreed


def in_field(people) -> Project:
    """A project past its agreement, started in the field."""
    started = with_agreement(people)
    project_services.start_field(started, people["desk_staff"])
    started.refresh_from_db()
    return started


def make_project(
    people,
    *,
    title: str = "AIで呼べる乗合タクシーの実証",
    summary: str = "バスの少ない地域で乗合タクシーを試します。",
    title_en: str = "",
    summary_en: str = "",
    fiscal_year: int = 2026,
    programme=None,
    fields=(),
    departments=(),
    locations: str = "",
    locations_en: str = "",
    period=(None, None),
    organization=None,
    approve: bool = True,
    publish: bool = True,
    proposal_fields: dict | None = None,
) -> Project:
    """A project of an adopted proposal, its details and public text set through the services.

    The proposal is put straight into the adopted state (rather than taken through the whole
    lifecycle, which renders and mails a notice PDF and takes about a second): the public pages
    read only the project, and the lifecycle itself is tested in projects/test_adoption.py.
    ``proposal_fields`` plants text in the proposal (to prove it never reaches the public).
    """
    business = (
        people["business"]
        if organization is None
        else user(Role.BUSINESS, organization=organization)
    )
    proposal = draft(
        business,
        prog=programme,  # None: a programme of its own
        complete=False,
        **(proposal_fields or {"title": "社内向けの提案名"}),
    )
    # Decided in the middle of that fiscal year: the project counts under its 採択年度.
    decided = timezone.now().replace(year=fiscal_year, month=10, day=1)
    Proposal.objects.filter(pk=proposal.pk).update(
        state="adopted", fiscal_year=fiscal_year, decided_at=decided
    )
    proposal.refresh_from_db()
    project = project_services.create_project_for(proposal)
    staff, manager = people["desk_staff"], people["desk_manager"]
    project_services.update_details(
        project,
        staff,
        fields=list(fields),
        departments=list(departments),
        locations=locations,
        locations_en=locations_en,
        period_start=period[0],
        period_end=period[1],
    )
    project_services.update_public_text(
        project, staff, title=title, summary=summary, title_en=title_en, summary_en=summary_en
    )
    if approve:
        project_services.approve_public_text(project, manager)
    if approve and publish:
        project_services.publish(project, manager)
    project.refresh_from_db()
    return project


def field(code: str) -> Field:
    """One of the fields the migration creates, by its code."""
    return Field.objects.get(code=code)


def make_fields():
    """Two of the fields the migration creates: 交通・モビリティ and 防災・安全."""
    return [Field.objects.get(code="mobility"), Field.objects.get(code="disaster")]


def quick_projects(
    people, count: int, *, fields=(), fiscal_year: int = 2026, title: str = "公開事業"
) -> list[Project]:
    """``count`` more published projects, each with fields and a department, written directly."""
    now = timezone.now()
    made = []
    for n in range(count):
        proposal = draft(people["business"], complete=False, title=f"非公開の件名{n}")
        project = Project.objects.create(
            proposal=proposal,
            partner_name=f"株式会社クイック{n}",
            programme=proposal.programme,
            fiscal_year=fiscal_year,
            public_title=f"{title}{n}",
            public_summary="市民向けの概要",
            approved_at=now,
            is_published=True,
            published_at=now,
        )
        project.fields.set(fields)
        project.departments.set([people["department"].department])
        made.append(project)
    return made


# --- calls and reviews ------------------------------------------------------------------------


def make_theme(**kw) -> Theme:
    """A call at the fixed times of tests.support (OPENS … RESULTS, in Japan time), of a new
    department and programme unless given; any field may be set through ``kw``."""
    n = next(_seq)
    fields = {
        "title": f"子育て支援のデジタル化{n}",
        "title_en": "",
        "background": "待機児童の情報が分散している。",
        "sought": "保護者向けの一元的な案内。",
        "department": kw.pop("department", None) or department(),
        "programme": kw.pop("programme", None) or programme(),
        "opens_at": OPENS,
        "closes_at": CLOSES,
        "questions_until": QUESTIONS_UNTIL,
        "results_announced_at": RESULTS,
        "planned_adoptions": 1,
    }
    fields.update(kw)
    return Theme.objects.create(**fields)


def open_theme(
    rubric: Rubric | None = None, *, blind: bool = False, title: str = "交通空白地の解消"
) -> Theme:
    """A call open now (three days in, a month to run) and judged by ``rubric``: for tests that
    submit to it at the real time instead of travelling to the fixed times of make_theme."""
    now = timezone.now()
    return make_theme(
        title=title,
        department=Department.objects.first() or department(),
        opens_at=now - timezone.timedelta(days=3),
        closes_at=now + timezone.timedelta(days=30),
        questions_until=None,
        results_announced_at=None,
        rubric=rubric,
        is_blind=blind,
    )


def make_rubric(weights=(2, 1, 1), scale=(1, 5), name="テスト評価基準") -> Rubric:
    """A rubric with one criterion per weight, scored from ``scale[0]`` to ``scale[1]``."""
    rubric = Rubric.objects.create(
        name=name, name_en="Test rubric", scale_min=scale[0], scale_max=scale[1]
    )
    for order, weight in enumerate(weights, start=1):
        Criterion.objects.create(
            rubric=rubric,
            name=f"項目{order}",
            name_en=f"Criterion {order}",
            weight=Decimal(weight),
            sort_order=order,
        )
    return rubric


def submitted(member, theme=None, title="AIオンデマンド交通の実証") -> Proposal:
    """A proposal the business has submitted (to ``theme`` when given)."""
    extra = {"theme": theme, "prog": theme.programme} if theme is not None else {}
    proposal = draft(member, title=title, **extra)
    act(proposal, "submit", member)
    proposal.refresh_from_db()
    return proposal


# --- files: real bytes, as an upload would bring them -------------------------------------------


def pdf_bytes(padding: int = 0) -> bytes:
    """A minimal valid one-page PDF (with a correct xref table)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    if padding:
        out += b"%" + b"x" * padding + b"\n"  # a comment: still a valid PDF
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def png_bytes() -> bytes:
    """A valid 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# The start of a Windows executable: what a file renamed to .pdf really is.
EXE_PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"PE\x00\x00"


def ole2_bytes(streams: dict[str, bytes] | None = None) -> bytes:
    """A real, minimal OLE2 compound file (the container of Word, Excel and PowerPoint
    97–2003) holding ``streams`` (at most three), each padded to whole 4 KB so it lives in
    ordinary sectors. olefile and oletools open it like a file Office saved."""
    import struct

    end, free, fat_sector, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    streams = streams if streams is not None else {"WordDocument": b"\x00" * 16}
    assert len(streams) <= 3
    fat = [fat_sector, end]  # sector 0: the FAT itself; sector 1: the directory
    data_sectors, entries = [], []
    for index, (name, content) in enumerate(streams.items(), start=1):
        padded = content + b"\x00" * (-len(content) % 4096 or 0)
        padded = padded if len(padded) >= 4096 else padded + b"\x00" * (4096 - len(padded))
        start, count = len(fat), len(padded) // 512
        fat.extend(list(range(start + 1, start + count)) + [end])
        data_sectors.append(padded)
        right = index + 1 if index < len(streams) else nostream
        entries.append((name, 2, nostream, right, nostream, start, len(padded)))
    root_child = 1 if streams else nostream

    def entry(name, kind, left, right, child, start, size):
        encoded = (name + "\x00").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB3I", len(encoded), kind, 1, left, right, child)
            + b"\x00" * 16
            + struct.pack("<I", 0)
            + b"\x00" * 16
            + struct.pack("<III", start, size, 0)
        )

    directory = entry("Root Entry", 5, nostream, nostream, root_child, end, 0)
    directory += b"".join(entry(*spec) for spec in entries)
    directory = directory.ljust(512, b"\x00")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", free) * 108
    )
    fat_bytes = b"".join(struct.pack("<I", value) for value in fat).ljust(512, b"\xff")
    return header + fat_bytes + directory + b"".join(data_sectors)
