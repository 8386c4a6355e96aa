"""The demo's proposals, one or more in every state, with the steps that bring each there, the
departments' answers and the desk's reason templates. Plain data, read by ``demo.seeder``.
"""

from __future__ import annotations

from .decided import DECIDED_CASES
from .open import OPEN_CASES

PROPOSALS = [*OPEN_CASES, *DECIDED_CASES]

# Answers the demo department members give: (proposal title, department code) →
# (opinion, comment, conditions). Departments without a demo member leave theirs open.
REFERRAL_ANSWERS = {
    ("AIオンデマンド交通による高齢者の移動支援実証", "road-sewerage"): (
        "conditional",
        "8か所のうち6か所は道路占用許可の見込みがあります。残る2か所は交差点に"
        "近く、安全上の理由から移設をお願いします。",
        "乗降場所の標示は道路管理者と協議のうえ設置すること。",
    ),
    ("災害時ドローン物資輸送の実証", "health-welfare"): (
        "supportive",
        "福祉避難所2か所で受入れ訓練が可能です。施設との日程調整は当局で行います。",
        "",
    ),
    ("災害時ドローン物資輸送の実証", "road-sewerage"): (
        "needs_info",
        "離着陸場所の候補地の地図と、使用する時間帯をお示しください。",
        "",
    ),
}

REASON_TEMPLATES = [
    (
        "adopt",
        "採択（実証フィールド提供）",
        "社会性・先進性・実証可能性の観点から評価し、市としてフィールドを提供して実証を行う価値が"
        "高いと判断しました。今後、協定の締結に向けて具体的な調整を進めます。",
    ),
    (
        "decline",
        "不採択（関係部局調整の結果）",
        "関係部局と調整を行いましたが、現時点では市の施策や既存事業との整合、実施体制の面から"
        "実現が難しいと判断しました。ご提案いただいた内容は今後の検討の参考とさせていただきます。",
    ),
    (
        "decline",
        "不採択（審査結果）",
        "審査の結果、他の提案と比較して実証可能性・事業化可能性の評価が十分ではなかったため、"
        "今回は採択を見送ることとしました。",
    ),
    (
        "not_accept",
        "受付対象外（物品販売・広告）",
        "ご提案の内容が製品・サービスの販売や広告を主な目的とするものであり、本窓口の受付対象"
        "（社会課題・行政課題の解決に向けた公民連携の提案）に当たらないため、受付対象外としました。",
    ),
    (
        "not_accept",
        "受付対象外（資金提供のみの要望）",
        "ご提案が市からの資金提供のみを求める内容であり、本窓口の受付対象に当たらないため、"
        "受付対象外としました。補助金等の制度については担当部局にお問い合わせください。",
    ),
    (
        "request_revision",
        "費用・体制の追加資料",
        "検討を進めるため、実施体制（担当者・役割）と費用の内訳（市の負担の有無を含む）が分かる"
        "資料をご提出ください。",
    ),
]
