"""The demo's reference data: programmes, consent texts, departments, businesses and people.

Plain data, read by ``demo.seeder``; docs/demo-logins.md lists the same logins.
"""

from __future__ import annotations

from core.models import Role
from proposals.models import ConsentDocument
from themes.models import Theme

DEMO_PASSWORD = "kyoso-demo-2026"
CONSENT_VERSION = "2026-04"


# --- Reference data -------------------------------------------------------------------------

PROGRAMMES = [
    dict(
        code="joint",
        sort_order=1,
        name="共働事業",
        name_en="Joint project through dialogue",
        description=(
            "企業などから提案を受け、市の担当部局と対話を重ねながら、社会課題や行政課題の解決に"
            "向けた事業を共に作り上げる制度です。市の費用負担がない提案も、予算化を検討する提案も"
            "対象です。"
        ),
        description_en=(
            "A business proposes; the desk and the departments concerned shape the idea with it, "
            "through dialogue, into a joint project that solves a social or administrative "
            "problem. Proposals with or without a cost to the city are welcome."
        ),
        review_required=False,
        allows_sole_proprietors=True,
        startups_only=False,
    ),
    dict(
        code="demo-support",
        sort_order=2,
        name="実証実験フルサポート",
        name_en="Demonstration full support",
        description=(
            "市が公共施設や道路、学校などの実証フィールドを提供し、関係者との調整を支援します。"
            "実証にかかる費用は事業者が負担し、実証で得られたデータと結果を市に報告していただき"
            "ます。"
        ),
        description_en=(
            "The city provides a field for the demonstration (a facility, a road, a school) and "
            "coordinates with the people concerned. The business bears the cost of the "
            "demonstration and reports its data and results to the city."
        ),
        review_required=False,
        allows_sole_proprietors=True,
        startups_only=False,
    ),
    dict(
        code="startup-procurement",
        sort_order=3,
        name="スタートアップ公共調達サポート",
        name_en="Startup public procurement support",
        description=(
            "スタートアップの技術を市の現場で実証し、効果が確認された場合は市の契約（公共調達）に"
            "つなげる制度です。法人のスタートアップ企業が対象で、採択の前に審査を行います。"
        ),
        description_en=(
            "A startup demonstrates its technology in the city's own operations; if it proves "
            "effective, it can lead straight to a city contract (public procurement). For "
            "incorporated startups only; proposals are reviewed before adoption."
        ),
        review_required=True,
        allows_sole_proprietors=False,
        startups_only=True,
    ),
]

CONSENTS = [
    dict(
        kind=ConsentDocument.Kind.NOTES,
        title="提案にあたっての留意事項",
        title_en="Notes for proposers",
        body=(
            "本窓口は、民間企業等の技術やノウハウを活用して社会課題・行政課題の解決を図る提案を"
            "受け付けるものです。単なる物品・サービスの販売や広告宣伝、資金の援助のみを求めるもの、"
            "政治・宗教活動を目的とするもの、法令や公序良俗に反するものは受付対象外です。\n"
            "提案書は市の情報公開条例に基づく公文書となり、事業者の正当な利益を害するおそれのある"
            "部分を除き、開示請求の対象となります。提案が採択されない場合もありますが、その場合も"
            "理由をお知らせします。提案に要する費用は提案者の負担となります。"
        ),
        body_en=(
            "This desk receives proposals that use a business's technology or know-how to solve "
            "social and administrative problems. Proposals that only sell goods or services, "
            "advertise, ask only for money, serve political or religious purposes, or break the "
            "law or public order are not accepted.\n"
            "A proposal becomes a public record under the city's information-disclosure "
            "ordinance; only the parts whose release would harm the business's legitimate "
            "interests are withheld. A proposal may not be adopted; you are told the reasons "
            "either way. The cost of preparing a proposal is borne by the proposer."
        ),
    ),
    dict(
        kind=ConsentDocument.Kind.ANTI_SOCIAL,
        title="反社会的勢力でないことの誓約",
        title_en="Declaration of no ties to anti-social forces",
        body=(
            "当社（当事業者）及びその役員等は、暴力団、暴力団員、暴力団員でなくなった日から5年を"
            "経過しない者その他の反社会的勢力に該当せず、これらと社会的に非難されるべき関係を"
            "有していないことを誓約します。あわせて、市税の滞納がないことを誓約します。\n"
            "この誓約に反することが判明した場合は、提案の受付又は採択を取り消されても異議を"
            "申し立てません。"
        ),
        body_en=(
            "We declare that neither our business nor its officers are organised crime groups "
            "(暴力団), their members, persons who left them less than five years ago or any other "
            "anti-social forces, and that we have no socially reprehensible ties with them. We "
            "also declare that we have no unpaid city taxes.\n"
            "If this declaration proves untrue, we accept without objection that the receipt or "
            "adoption of our proposal may be cancelled."
        ),
    ),
    dict(
        kind=ConsentDocument.Kind.PRIVACY,
        title="個人情報の取扱いについて",
        title_en="Handling of personal information",
        body=(
            "提案書及び本システムに登録された個人情報は、提案の受付、関係部局との調整、審査、"
            "結果の通知及び事業の実施に必要な範囲で利用し、市の個人情報の保護に関する規定に従って"
            "適正に管理します。法令に基づく場合を除き、本人の同意なく第三者に提供することは"
            "ありません。外部の審査員には、審査に必要な範囲に限り提案内容を提供します。"
        ),
        body_en=(
            "Personal information in your proposal and in this system is used only to receive "
            "the proposal, coordinate it with the city's departments, review it, notify you of "
            "the result and carry out the project, and is managed under the city's rules on "
            "personal information. It is not given to third parties without your consent except "
            "where the law requires it. Outside reviewers receive only what they need to review "
            "the proposal."
        ),
    ),
    dict(
        kind=ConsentDocument.Kind.PUBLICATION,
        title="採択時の公表への同意",
        title_en="Consent to publication if adopted",
        body=(
            "提案が採択された場合、事業者名、事業の名称と概要、担当部局、実施場所及び期間、"
            "実施状況と結果を、市のホームページ及びオープンデータで公表することに同意します。"
            "非公開を希望した部分は、市と協議のうえ公表の範囲を決めます。採択されなかった提案の"
            "内容及び提案者名は公表されません。"
        ),
        body_en=(
            "If the proposal is adopted, we agree that the city publishes the business's name, "
            "the title and summary of the project, the department, the place and period, and its "
            "progress and results on the city's website and as open data. The parts we mark "
            "confidential are published only as agreed with the city. Proposals that are not "
            "adopted, and the names of their proposers, are never published."
        ),
    ),
]

DEPARTMENTS = [
    ("general-affairs", "総務企画局", "General Affairs and Planning Bureau"),
    ("citizens", "市民局", "Citizens Bureau"),
    ("children", "こども未来局", "Children's Future Bureau"),
    ("health-welfare", "保健福祉局", "Health and Welfare Bureau"),
    ("environment", "環境局", "Environment Bureau"),
    ("economy-tourism", "経済観光文化局", "Economy, Tourism and Culture Bureau"),
    ("road-sewerage", "道路下水道局", "Road and Sewerage Bureau"),
    ("fire", "消防局", "Fire Bureau"),
]

# Fictional businesses. ``base`` is the 12-digit base of the 法人番号 (the check digit is
# computed); None for the sole proprietor, who has no corporate number.
ORGANIZATIONS = [
    dict(
        key="mirai",
        base="700120260011",
        name="株式会社ミライモビリティ",
        name_kana="カブシキガイシャミライモビリティ",
        is_startup=True,
        address="福岡市中央区天神2丁目8番1号 天神イノベーションビル5階",
        representative_title="代表取締役",
        representative_name="佐藤 翔太",
        website="https://mirai-mobility.example.jp/",
        phone="092-000-0101",
    ),
    dict(
        key="sora",
        base="700120260022",
        name="株式会社そらはこび",
        name_kana="カブシキガイシャソラハコビ",
        is_startup=True,
        address="福岡市博多区博多駅前3丁目4番7号",
        representative_title="代表取締役CEO",
        representative_name="中島 陸",
        website="https://sorahakobi.example.jp/",
        phone="092-000-0102",
    ),
    dict(
        key="sukusuku",
        base="700120260033",
        name="株式会社すくすくセンシング",
        name_kana="カブシキガイシャスクスクセンシング",
        is_startup=True,
        address="福岡市早良区百道浜2丁目1番22号",
        representative_title="代表取締役",
        representative_name="小川 真由",
        website="https://sukusuku-sensing.example.jp/",
        phone="092-000-0103",
    ),
    dict(
        key="caretech",
        base="700150260044",
        name="一般社団法人ケアテック福岡",
        name_kana="イッパンシャダンホウジンケアテックフクオカ",
        is_startup=False,
        address="福岡市南区大橋1丁目15番6号",
        representative_title="代表理事",
        representative_name="森田 恵子",
        website="https://caretech-fukuoka.example.jp/",
        phone="092-000-0104",
    ),
    dict(
        key="genkai",
        base="700120260055",
        name="玄界インフラテック株式会社",
        name_kana="ゲンカイインフラテックカブシキガイシャ",
        is_startup=False,
        address="福岡市東区箱崎6丁目10番1号",
        representative_title="代表取締役社長",
        representative_name="石井 健",
        website="https://genkai-infratech.example.jp/",
        phone="092-000-0105",
    ),
    dict(
        key="green",
        base="700120260066",
        name="博多グリーンエナジー株式会社",
        name_kana="ハカタグリーンエナジーカブシキガイシャ",
        is_startup=False,
        address="福岡市博多区中洲5丁目3番8号",
        representative_title="代表取締役",
        representative_name="原田 誠司",
        website="https://hakata-green.example.jp/",
        phone="092-000-0106",
    ),
    dict(
        key="datalab",
        base="700120260077",
        name="株式会社まちなかデータラボ",
        name_kana="カブシキガイシャマチナカデータラボ",
        is_startup=False,
        address="北九州市小倉北区浅野1丁目2番3号",
        representative_title="代表取締役",
        representative_name="岡本 直樹",
        website="https://machinaka-data.example.jp/",
        phone="093-000-0107",
    ),
    dict(
        key="komorebi",
        base=None,
        name="デザイン工房こもれび",
        name_kana="デザインコウボウコモレビ",
        is_startup=False,
        address="福岡市城南区七隈4丁目5番2号",
        representative_title="代表",
        representative_name="山口 さくら",
        website="",
        phone="092-000-0108",
    ),
]

# (e-mail, full name, role, organisation key / department code / affiliation, what to try)
STAFF = [
    ("desk@example.jp", "中村 彩", Role.DESK_STAFF, {}, "triage, dialogue, referrals"),
    ("manager@example.jp", "松本 健一", Role.DESK_MANAGER, {}, "adopt or decline"),
    (
        "dept-road@example.jp",
        "田中 誠",
        Role.DEPARTMENT,
        {"department": "road-sewerage"},
        "referrals to 道路下水道局",
    ),
    (
        "dept-welfare@example.jp",
        "井上 由美",
        Role.DEPARTMENT,
        {"department": "health-welfare"},
        "referrals to 保健福祉局",
    ),
    (
        "reviewer@example.jp",
        "木村 浩二",
        Role.REVIEWER,
        {"affiliation": "総務企画局 企画調整部"},
        "scores assigned proposals",
    ),
    (
        "expert@example.jp",
        "林 美穂",
        Role.REVIEWER,
        {"affiliation": "九州みらい工科大学 工学研究院 教授（外部有識者）"},
        "outside expert; declared a conflict on one proposal",
    ),
    ("admin@example.jp", "山本 大輔", Role.ADMINISTRATOR, {}, "people and reference data"),
]

BUSINESS_MEMBERS = [
    ("business@example.jp", "高橋 美咲", "mirai"),
    ("sorahakobi@example.jp", "中島 陸", "sora"),
    ("sukusuku@example.jp", "小川 真由", "sukusuku"),
    ("caretech@example.jp", "森田 恵子", "caretech"),
    ("infratech@example.jp", "石井 健", "genkai"),
    ("green@example.jp", "原田 誠司", "green"),
    ("datalab@example.jp", "岡本 直樹", "datalab"),
    ("komorebi@example.jp", "山口 さくら", "komorebi"),
]

THEME = dict(
    kind=Theme.Kind.CALL,
    title="災害時の物資輸送と避難支援を高度化する技術",
    background=(
        "大規模災害時には、道路の寸断により孤立した地域や福祉避難所への物資輸送、避難行動"
        "要支援者の安否確認が大きな課題となります。本テーマでは、ドローンやデジタル技術を活用"
        "して、災害時の物資輸送や避難支援を高度化する提案を募集します。募集期間は約4週間で、"
        "期間中は質問を受け付けます。採択は1件程度を予定していますが、該当なしとする場合が"
        "あります。"
    ),
    department="fire",
    programme="demo-support",
)
