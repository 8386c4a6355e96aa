"""Generate published projects for `make bench` (the public list's benchmark; never committed).

Each project belongs to an adopted proposal, as in real life, and both are created in bulk
(``bulk_create``): this is benchmark data, not the desk's work, so it skips the services that
write demo data (seed_demo) and the lifecycle log beyond the submission row that seed_bench
also writes. The reference data (programmes, departments, about 2,000 organisations, the desk)
is seed_bench's, created once by calling it with no proposals.

The projects look like a desk's real years: fiscal years since 2018, the four statuses
weighted by age (old ones mostly completed), one or two fields and departments each, public
titles and summaries in Japanese and English of a realistic length, the four procurement
routes. Every one is published with an approved text, so ``public_projects()`` lists them.

Running it again adds more projects.
"""

from __future__ import annotations

import datetime as dt
import random
from importlib import import_module
from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from core.dates import fiscal_year
from core.models import Department, Organization, User
from core.validators import make_corporate_number
from demo.management.commands.seed_bench import FIRST_DAY, ORGANIZATIONS
from projects import public_cache
from projects.models import Field, ProcurementRoute, Project, Status, status_of
from proposals.models import Proposal, ProposalTransition
from proposals.states import Kind, State
from themes.models import Programme

# (ja, en) word pairs for public titles and summaries.
AREAS = [
    ("中央区", "Chuo ward"),
    ("博多区", "Hakata ward"),
    ("東区", "Higashi ward"),
    ("南区", "Minami ward"),
    ("西区", "Nishi ward"),
    ("早良区", "Sawara ward"),
    ("市内全域", "the whole city"),
    ("臨海部", "the waterfront"),
    ("中山間地域", "the hill villages"),
    ("離島", "the islands"),
]
TECHNOLOGIES = [
    ("AI", "AI"),
    ("ドローン", "drones"),
    ("IoTセンサー", "IoT sensors"),
    ("自動運転", "self-driving vehicles"),
    ("スマートフォンアプリ", "a smartphone app"),
    ("衛星データ", "satellite data"),
    ("チャットボット", "a chatbot"),
    ("電気自動車", "electric vehicles"),
    ("デジタル地図", "digital maps"),
    ("遠隔診療", "remote consultation"),
]
SUBJECTS = [
    ("防災情報の配信", "disaster alerts", "disaster"),
    ("高齢者の見守り", "watching over older people", "welfare"),
    ("子育て相談", "advice for parents", "childcare"),
    ("地域の移動手段", "local transport", "mobility"),
    ("ごみの収集", "waste collection", "environment"),
    ("観光案内", "tourist information", "tourism"),
    ("商店街のにぎわいづくり", "lively shopping streets", "industry"),
    ("公園の管理", "park maintenance", "community"),
    ("行政手続のオンライン化", "online procedures", "digital"),
    ("農作物の生産", "farm production", "agriculture"),
]
GOALS = [
    ("効率化", "more efficient"),
    ("見える化", "visible"),
    ("省力化", "less labour-intensive"),
    ("利便性向上", "easier to use"),
    ("安全確保", "safer"),
]
# Status by age: recent projects are being prepared or run, old ones are completed.
RECENT = [(State.ADOPTED, 30), (State.AGREEMENT, 30), (State.IN_FIELD, 40)]
OLDER = [(State.AGREEMENT, 2), (State.IN_FIELD, 18), (State.COMPLETED, 80)]


def _pick(rng: random.Random, weighted) -> str:
    states, weights = zip(*weighted, strict=True)
    return rng.choices(states, weights=weights)[0]


class Command(BaseCommand):
    help = "Create N published projects (with their adopted proposals) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=2000)
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, projects: int, batch: int, **options):
        call_command("seed_bench", proposals=0, stdout=StringIO())
        ref = self._reference_data()
        start = Project.objects.count()
        rng = random.Random(1000 + start)
        now = timezone.now()
        todo = list(range(start + 1, start + projects + 1))
        for offset in range(0, len(todo), batch):
            with transaction.atomic():
                self._create(todo[offset : offset + batch], rng, ref, now)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute(
                    "VACUUM ANALYZE projects_project, projects_project_fields, "
                    "projects_project_departments, proposals_proposal"
                )
        # Cached public pages were rendered without these projects.
        public_cache.bump_generation()
        self.stdout.write(
            f"{Project.objects.published().count()} published projects in the database"
        )

    def _reference_data(self) -> dict:
        if not Field.objects.exists():
            # ``flush`` (the bench on PostgreSQL) also empties what the migration put there.
            migration = import_module("projects.migrations.0002_fields")
            Field.objects.bulk_create(
                [
                    Field(code=code, name=name, name_en=name_en, sort_order=order * 10)
                    for order, (code, name, name_en) in enumerate(migration.FIELDS, start=1)
                ]
            )
        numbers = [make_corporate_number(f"9{i:011d}") for i in range(ORGANIZATIONS)]
        return {
            "programmes": list(
                Programme.objects.filter(code__startswith="bench-").order_by("sort_order")
            ),
            "departments": list(
                Department.objects.filter(code__startswith="bench-").order_by("pk")
            ),
            "fields": {f.code: f for f in Field.objects.all()},
            "orgs": list(
                Organization.objects.filter(corporate_number__in=numbers)
                .only("pk", "name", "corporate_number", "is_startup")
                .order_by("pk")
            ),
            "member": User.objects.get(email="bench-business@example.jp"),
            "manager": User.objects.get(email="bench-desk6@example.jp"),
        }

    def _create(self, numbers, rng, ref, now):
        span = max(1, int((now - FIRST_DAY).total_seconds()))
        proposals, details = [], []
        for n in numbers:
            submitted_at = FIRST_DAY + dt.timedelta(seconds=rng.randrange(span))
            decided_at = min(now, submitted_at + dt.timedelta(days=rng.randint(30, 150)))
            age = (now - decided_at).days
            state = _pick(rng, RECENT if age < 180 else OLDER)
            area, tech = rng.choice(AREAS), rng.choice(TECHNOLOGIES)
            subject, goal = rng.choice(SUBJECTS), rng.choice(GOALS)
            org = rng.choice(ref["orgs"])
            programme = ref["programmes"][
                2 if org.is_startup and rng.random() < 0.4 else rng.randrange(2)
            ]
            fy = fiscal_year(submitted_at)
            proposal = Proposal(
                state=state,
                receipt_number=f"BP-{fy}-{n:06d}",
                fiscal_year=fy,
                organization_id=org.pk,
                created_by=ref["member"],
                programme=programme,
                kind=Kind.PROPOSAL,
                title=f"{area[0]}における{tech[0]}を活用した{subject[0]}の{goal[0]}（提案）",
                summary="事業者の提案書の要約（非公開）",
                problem="課題",
                solution="解決策",
                submitted_at=submitted_at,
                first_response_at=submitted_at + dt.timedelta(days=3),
                created_at=submitted_at,
                decided_at=decided_at,
                decision_reason="審査の結果による",
            )
            if state == State.COMPLETED:
                proposal.outcome = rng.choice(["rolled_out", "ended"])
            proposal.search_text = proposal.build_search_text()
            proposals.append(proposal)
            details.append((org, area, tech, subject, goal, decided_at))
        created = Proposal.objects.bulk_create(proposals)
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

        items = []
        for proposal, (org, area, tech, subject, goal, decided_at) in zip(
            created, details, strict=True
        ):
            status = status_of(proposal.state, proposal.outcome)
            start = timezone.localdate(decided_at) + dt.timedelta(days=rng.randint(20, 90))
            months = rng.randint(3, 12)
            title = f"{area[0]}で{tech[0]}を使った{subject[0]}の{goal[0]}"
            title_en = f"Making {subject[1]} {goal[1]} with {tech[1]} in {area[1]}"
            summary = (
                f"{area[0]}で、{tech[0]}を使って{subject[0]}を{goal[0]}する取組を、市と事業者が"
                f"協力して{months}か月間試します。市は実施場所の提供と関係者との調整を行い、"
                f"事業者は費用を負担して結果を市に報告します。結果は市のホームページで"
                f"お知らせします。"
            )
            summary_en = (
                f"For {months} months, the city and the business try {tech[1]} in "
                f"{area[1]} to make {subject[1]} {goal[1]}. The city provides the place "
                f"and coordinates with the people concerned; the business bears the "
                f"cost and reports the results, which the city publishes."
            )
            project = Project(
                proposal=proposal,
                title_draft=title,
                summary_draft=summary,
                title_draft_en=title_en,
                summary_draft_en=summary_en,
                public_title=title,
                public_summary=summary,
                public_title_en=title_en,
                public_summary_en=summary_en,
                approved_at=decided_at + dt.timedelta(days=7),
                approved_by=ref["manager"],
                partner_name=org.name,
                corporate_number=org.corporate_number,
                programme_id=proposal.programme_id,
                fiscal_year=proposal.fiscal_year,
                locations=f"{area[0]}の市有施設",
                locations_en=f"City facilities in {area[1]}",
                period_start=start,
                period_end=start + dt.timedelta(days=30 * months),
                procurement_route=rng.choice(ProcurementRoute.values),
                agreement_date=(
                    None
                    if proposal.state == State.ADOPTED
                    else timezone.localdate(decided_at) + dt.timedelta(days=14)
                ),
                is_published=True,
                published_at=decided_at + dt.timedelta(days=8),
                created_at=decided_at,
            )
            if status in (Status.ROLLED_OUT, Status.ENDED):
                project.outcome_summary = (
                    "効果が確認されたため、市の事業として導入しました。"
                    if status == Status.ROLLED_OUT
                    else "実証の結果を踏まえ、終了しました。"
                )
                project.outcome_summary_en = (
                    "It proved effective and the city now runs it."
                    if status == Status.ROLLED_OUT
                    else "It ended after the trial."
                )
            items.append((project, subject[2]))
        projects = Project.objects.bulk_create([project for project, _code in items])
        field_links, department_links = [], []
        codes = list(ref["fields"])
        for project, code in zip(projects, (code for _p, code in items), strict=True):
            chosen = {code} | ({rng.choice(codes)} if rng.random() < 0.4 else set())
            field_links += [
                Project.fields.through(project_id=project.pk, field_id=ref["fields"][c].pk)
                for c in chosen
                if c in ref["fields"]
            ]
            department_links += [
                Project.departments.through(project_id=project.pk, department_id=department.pk)
                for department in rng.sample(ref["departments"], rng.choice([1, 1, 2]))
            ]
        Project.fields.through.objects.bulk_create(field_links)
        Project.departments.through.objects.bulk_create(department_links)
