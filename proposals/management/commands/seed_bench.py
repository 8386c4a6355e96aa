"""Generate a large synthetic data set for `make bench` (never committed).

Proposals are created in bulk as already submitted, each with the log row that submission
would have written, so the data is consistent with the lifecycle without spending minutes
running the service 100,000 times. Only benchmarks use this; demo data goes through the
service (seed_demo).
"""

from __future__ import annotations

import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.models import Organization, Role, User
from core.validators import make_corporate_number
from proposals.models import Programme, Proposal, ProposalTransition, ReceiptSequence
from proposals.states import State

WORDS = ["防災", "福祉", "交通", "子育て", "観光", "環境", "医療", "教育", "DX", "水道", "道路",
         "ドローン", "AI", "脱炭素", "見守り", "オンデマンド", "実証", "データ", "公園", "図書館"]


class Command(BaseCommand):
    help = "Create N synthetic submitted proposals (and their log rows) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--proposals", type=int, default=1000)
        parser.add_argument("--timeline", type=int, default=0,
                            help="also give the first proposal this many extra log rows")

    @transaction.atomic
    def handle(self, *args, proposals: int, timeline: int, **options):
        rng = random.Random(42)
        programme, _ = Programme.objects.get_or_create(
            code="bench", defaults={"name": "ベンチマーク", "name_en": "Benchmark"})
        orgs = []
        for i in range(50):
            org, _ = Organization.objects.get_or_create(
                corporate_number=make_corporate_number(f"9{i:011d}"),
                defaults={"name": f"ベンチ株式会社{i}", "address": "福岡市",
                          "representative_name": "代表", "is_startup": i % 3 == 0})
            orgs.append(org)
        member, _ = User.objects.get_or_create(
            email="bench-business@example.jp",
            defaults={"full_name": "bench", "role": Role.BUSINESS, "organization": orgs[0]})
        desk, _ = User.objects.get_or_create(
            email="bench-desk@example.jp", defaults={"full_name": "bench desk", "role": Role.DESK_STAFF})
        start = Proposal.objects.count()
        now = timezone.now()
        year = 2026
        batch = []
        for n in range(start + 1, start + proposals + 1):
            w1, w2 = rng.sample(WORDS, 2)
            batch.append(Proposal(
                state=State.SUBMITTED, receipt_number=f"BN-{year}-{n:06d}", fiscal_year=year,
                organization=orgs[n % len(orgs)], created_by=member, programme=programme,
                title=f"{w1}と{w2}の共創提案 {n}", summary=f"{w1}の課題を{w2}で解決する。",
                problem="課題", solution="解決策", submitted_at=now - timezone.timedelta(minutes=n),
            ))
            if len(batch) == 5000:
                self._flush(batch, member, now)
                batch = []
        if batch:
            self._flush(batch, member, now)
        ReceiptSequence.objects.update_or_create(fiscal_year=year,
                                                 defaults={"last_number": start + proposals})
        if timeline:
            first = Proposal.objects.order_by("pk").first()
            ProposalTransition.objects.bulk_create([
                ProposalTransition(proposal=first, actor=desk, action="request_revision",
                                   from_state=State.DIALOGUE, to_state=State.REVISION_REQUESTED,
                                   note=f"追加情報 {i}", created_at=now)
                for i in range(timeline)
            ])
        self.stdout.write(f"{Proposal.objects.count()} proposals in the database")

    def _flush(self, batch, member, now):
        created = Proposal.objects.bulk_create(batch)
        ProposalTransition.objects.bulk_create([
            ProposalTransition(proposal=p, actor=member, action="submit", from_state=State.DRAFT,
                               to_state=State.SUBMITTED, created_at=p.submitted_at or now)
            for p in created
        ])
