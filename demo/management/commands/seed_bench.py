"""Generate a large synthetic data set for `make bench` (never committed).

Proposals are created in bulk, each with the log row that submission would have written, so
the data is consistent with the lifecycle without spending minutes running the service
100,000 times. Only benchmarks use this; demo data goes through the service (seed_demo).

The data looks like a desk's real years: titles and summaries made of Japanese words (so the
keyword search has realistic hits, two-character words such as 防災 included), proposals
spread over fiscal years since 2018, states that depend on age (old ones mostly decided or
closed), three programmes, themed calls, about 2,000 organisations of which a third are
startups, six desk staff as leads, and referrals to ten departments, some of them overdue.
``search_text`` is filled as ``Proposal.save()`` would fill it (bulk_create skips save()).

Running it again adds more proposals; the reference data is created once.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from core.dates import fiscal_year
from core.models import Department, Organization, Role, User
from core.validators import make_corporate_number
from demo.bench_words import (
    AREAS,
    DEPARTMENTS,
    EFFECTS,
    FIELDS,
    GOALS,
    ISSUES,
    ORG_CORES,
    ORG_HEADS,
    ORG_TAILS,
    PROGRAMMES,
    TECHNOLOGIES,
)
from proposals.models import Proposal, ProposalTransition, ReceiptSequence, Referral
from proposals.states import Kind, State
from themes.models import Programme, Theme

ORGANIZATIONS = 2000
DESK_STAFF = 6
FIRST_DAY = dt.datetime(2018, 5, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
OPEN = {State.SUBMITTED, State.DIALOGUE, State.REVISION_REQUESTED, State.COORDINATION, State.REVIEW}
REFERRED = {
    State.COORDINATION,
    State.REVIEW,
    State.ADOPTED,
    State.AGREEMENT,
    State.IN_FIELD,
    State.COMPLETED,
    State.DECLINED,
}
DECIDED = {
    State.ADOPTED,
    State.AGREEMENT,
    State.IN_FIELD,
    State.COMPLETED,
    State.DECLINED,
    State.NOT_ACCEPTED,
}

# State weights by age: new proposals are still being handled, old ones are decided or closed.
RECENT = [
    (State.SUBMITTED, 35),
    (State.DIALOGUE, 30),
    (State.REVISION_REQUESTED, 10),
    (State.COORDINATION, 15),
    (State.REVIEW, 4),
    (State.WITHDRAWN, 2),
    (State.NOT_ACCEPTED, 4),
]
THIS_YEAR = [
    (State.SUBMITTED, 2),
    (State.DIALOGUE, 14),
    (State.REVISION_REQUESTED, 5),
    (State.COORDINATION, 14),
    (State.REVIEW, 6),
    (State.ADOPTED, 5),
    (State.AGREEMENT, 5),
    (State.IN_FIELD, 6),
    (State.DECLINED, 15),
    (State.NOT_ACCEPTED, 10),
    (State.WITHDRAWN, 6),
    (State.CONSULTATION_CLOSED, 12),
]
OLDER = [
    (State.DIALOGUE, 1),
    (State.COORDINATION, 1),
    (State.ADOPTED, 1),
    (State.AGREEMENT, 1),
    (State.IN_FIELD, 3),
    (State.COMPLETED, 12),
    (State.DECLINED, 30),
    (State.NOT_ACCEPTED, 15),
    (State.WITHDRAWN, 10),
    (State.CONSULTATION_CLOSED, 26),
]


def _pick(rng: random.Random, weighted) -> str:
    states, weights = zip(*weighted, strict=True)
    return rng.choices(states, weights=weights)[0]


class Command(BaseCommand):
    help = "Create N synthetic submitted proposals (with log rows and referrals) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--proposals", type=int, default=1000)
        parser.add_argument(
            "--timeline",
            type=int,
            default=0,
            help="also give the first proposal this many extra log rows",
        )
        parser.add_argument("--batch", type=int, default=5000)

    def handle(self, *args, proposals: int, timeline: int, batch: int, **options):
        with transaction.atomic():
            ref = self._reference_data()
        start = Proposal.objects.count()
        rng = random.Random(42 + start)
        now = timezone.now()
        span = max(1, int((now - FIRST_DAY).total_seconds()))
        todo = list(range(start + 1, start + proposals + 1))
        for offset in range(0, len(todo), batch):
            with transaction.atomic():
                self._create(todo[offset : offset + batch], rng, ref, now, span)
        with transaction.atomic():
            year = fiscal_year(now)
            ReceiptSequence.objects.update_or_create(
                fiscal_year=year, defaults={"last_number": start + proposals}
            )
            if timeline:
                first = Proposal.objects.order_by("pk").first()
                ProposalTransition.objects.bulk_create(
                    [
                        ProposalTransition(
                            proposal=first,
                            actor=ref["desk"][0],
                            action="request_revision",
                            from_state=State.DIALOGUE,
                            to_state=State.REVISION_REQUESTED,
                            note=f"追加情報 {i}",
                            created_at=now,
                        )
                        for i in range(timeline)
                    ]
                )
        if connection.vendor == "postgresql":
            # What autovacuum does soon after a load of this size: fresh statistics and the
            # visibility map (index-only scans), so the bench measures the steady state.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with connection.cursor() as cursor:
                cursor.execute(
                    f"{command} proposals_proposal, proposals_referral, "
                    "proposals_proposaltransition, core_organization"
                )
        self.stdout.write(f"{Proposal.objects.count()} proposals in the database")

    # --- reference data ---------------------------------------------------------------------
    def _reference_data(self) -> dict:
        programmes = []
        for i, (code, name, name_en) in enumerate(PROGRAMMES):
            prog, _ = Programme.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "name_en": name_en,
                    "sort_order": i,
                    "startups_only": code == "bench-startup",
                },
            )
            programmes.append(prog)
        departments = [
            Department.objects.get_or_create(
                code=code, defaults={"name": name, "name_en": name_en}
            )[0]
            for code, name, name_en in DEPARTMENTS
        ]
        rng = random.Random(7)
        numbers = [make_corporate_number(f"9{i:011d}") for i in range(ORGANIZATIONS)]
        existing = set(
            Organization.objects.filter(corporate_number__in=numbers).values_list(
                "corporate_number", flat=True
            )
        )
        new_orgs = []
        for i, number in enumerate(numbers):
            if number in existing:
                continue
            name = (
                f"{rng.choice(ORG_HEADS)}{rng.choice(ORG_CORES)}{rng.choice(ORG_TAILS)}"
                f"{i if i % 7 == 0 else ''}"
            )
            new_orgs.append(
                Organization(
                    corporate_number=number,
                    name=name,
                    address="福岡市中央区天神1-1-1",
                    representative_name="代表 太郎",
                    is_startup=i % 3 == 0,
                )
            )
        Organization.objects.bulk_create(new_orgs, batch_size=1000)
        orgs = list(
            Organization.objects.filter(corporate_number__in=numbers)
            .only("pk", "is_startup")
            .order_by("pk")
        )
        member, _ = User.objects.get_or_create(
            email="bench-business@example.jp",
            defaults={"full_name": "bench", "role": Role.BUSINESS, "organization": orgs[0]},
        )
        desk = []
        for i in range(DESK_STAFF):
            email = "bench-desk@example.jp" if i == 0 else f"bench-desk{i + 1}@example.jp"
            user, _ = User.objects.get_or_create(
                email=email,
                defaults={
                    "full_name": f"窓口 担当{i + 1}",
                    "role": Role.DESK_MANAGER if i == DESK_STAFF - 1 else Role.DESK_STAFF,
                },
            )
            desk.append(user)
        themes = []
        for i, field in enumerate(["防災", "子育て", "脱炭素", "地域交通", "観光"]):
            theme, _ = Theme.objects.get_or_create(
                title=f"{field}の課題解決提案の募集（ベンチ）",
                defaults={
                    "department": departments[i],
                    "programme": programmes[1],
                    "opens_at": FIRST_DAY + dt.timedelta(days=200 * i),
                    "closes_at": FIRST_DAY + dt.timedelta(days=200 * i + 28),
                },
            )
            themes.append(theme)
        return {
            "programmes": programmes,
            "departments": departments,
            "orgs": orgs,
            "member": member,
            "desk": desk,
            "themes": themes,
        }

    # --- proposals ------------------------------------------------------------------------------
    def _create(self, numbers, rng, ref, now, span):
        batch = []
        for n in numbers:
            submitted_at = FIRST_DAY + dt.timedelta(seconds=rng.randrange(span))
            if n == 1:
                submitted_at = now - dt.timedelta(minutes=1)
            age = (now - submitted_at).days
            state = _pick(rng, RECENT if age < 30 else THIS_YEAR if age < 365 else OLDER)
            kind = Kind.PROPOSAL
            if state == State.CONSULTATION_CLOSED or (
                state in OPEN - {State.REVIEW} and rng.random() < 0.2
            ):
                kind = Kind.CONSULTATION
            area, tech, field, goal = (
                rng.choice(AREAS),
                rng.choice(TECHNOLOGIES),
                rng.choice(FIELDS),
                rng.choice(GOALS),
            )
            org = rng.choice(ref["orgs"])
            programme = ref["programmes"][rng.randrange(2)]
            if org.is_startup and rng.random() < 0.4:
                programme = ref["programmes"][2]
            theme = rng.choice(ref["themes"]) if rng.random() < 0.12 else None
            first_response = None
            if not (state == State.SUBMITTED and rng.random() < 0.6) and not (
                state == State.WITHDRAWN and rng.random() < 0.3
            ):
                first_response = min(
                    now,
                    submitted_at + dt.timedelta(days=rng.randint(0, 20), hours=rng.randint(1, 8)),
                )
            fy = fiscal_year(submitted_at)
            proposal = Proposal(
                state=state,
                receipt_number=f"BN-{fy}-{n:06d}",
                fiscal_year=fy,
                organization_id=org.pk,
                created_by=ref["member"],
                programme=programme,
                theme=theme,
                kind=kind,
                lead=rng.choice(ref["desk"]) if rng.random() < 0.75 else None,
                title=f"{area}における{tech}を活用した{field}の{goal}",
                summary=(
                    f"{field}分野の課題（{rng.choice(ISSUES)}）に対し、{tech}を用いて{goal}を"
                    f"図る。{area}で{rng.randint(3, 12)}か月間の実証を行い、"
                    f"{rng.choice(EFFECTS)}を検証する。"
                ),
                problem="課題",
                solution="解決策",
                submitted_at=submitted_at,
                first_response_at=first_response,
                created_at=submitted_at,
            )
            if state in DECIDED:
                proposal.decided_at = min(
                    now, submitted_at + dt.timedelta(days=rng.randint(20, 200))
                )
                proposal.decision_reason = "審査の結果による"
            if state == State.COMPLETED:
                proposal.outcome = rng.choice(["rolled_out", "ended"])
            proposal.search_text = proposal.build_search_text()
            batch.append(proposal)
        created = Proposal.objects.bulk_create(batch)
        ProposalTransition.objects.bulk_create(
            [
                ProposalTransition(
                    proposal=p,
                    actor=ref["member"],
                    action="submit",
                    from_state=State.DRAFT,
                    to_state=State.SUBMITTED,
                    created_at=p.submitted_at,
                )
                for p in created
            ]
        )
        referrals = []
        today = timezone.localdate(now)
        for p in created:
            if p.state not in REFERRED or rng.random() < 0.3:
                continue
            for department in rng.sample(ref["departments"], rng.choice([1, 1, 2])):
                asked = p.submitted_at + dt.timedelta(days=rng.randint(5, 30))
                due = timezone.localdate(asked) + dt.timedelta(days=14)
                answered = not (p.state in OPEN and rng.random() < 0.4)
                referrals.append(
                    Referral(
                        proposal=p,
                        department=department,
                        question="実現可能性と課題をご教示ください。",
                        due_date=due,
                        created_by=ref["desk"][0],
                        created_at=asked,
                        opinion=rng.choice(Referral.Opinion.values) if answered else "",
                        comment="検討結果は以下のとおり。" if answered else "",
                        answered_at=min(now, asked + dt.timedelta(days=rng.randint(1, 20)))
                        if answered
                        else None,
                    )
                )
                if not answered and due >= today and rng.random() < 0.5:
                    referrals[-1].due_date = today - dt.timedelta(days=rng.randint(1, 10))
        Referral.objects.bulk_create(referrals)
