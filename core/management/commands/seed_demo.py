"""Demo data for Kyoso Desk: programmes, consent texts, departments, businesses, people,
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
import time
from collections import Counter

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.models import Department, Organization, Role, User
from core.validators import make_corporate_number
from projects import services as project_services
from projects.models import Field, Project, Report, Site, SiteBooking
from proposals import services
from proposals.models import ConsentDocument, Programme, Proposal, ReasonTemplate, Referral
from proposals.states import CityCost, Kind, State
from reviews.models import ReviewAssignment
from themes.models import Theme

DEMO_PASSWORD = "kyoso-demo-2026"
CONSENT_VERSION = "2026-04"

# --- Reference data -------------------------------------------------------------------------

PROGRAMMES = [
    dict(
        code="joint", sort_order=1, name="共働事業", name_en="Joint project through dialogue",
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
        review_required=False, allows_sole_proprietors=True, startups_only=False,
    ),
    dict(
        code="demo-support", sort_order=2, name="実証実験フルサポート",
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
        review_required=False, allows_sole_proprietors=True, startups_only=False,
    ),
    dict(
        code="startup-procurement", sort_order=3, name="スタートアップ公共調達サポート",
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
        review_required=True, allows_sole_proprietors=False, startups_only=True,
    ),
]

CONSENTS = [
    dict(
        kind=ConsentDocument.Kind.NOTES,
        title="提案にあたっての留意事項", title_en="Notes for proposers",
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
        title="個人情報の取扱いについて", title_en="Handling of personal information",
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
        title="採択時の公表への同意", title_en="Consent to publication if adopted",
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
    dict(key="mirai", base="700120260011", name="株式会社ミライモビリティ",
         name_kana="カブシキガイシャミライモビリティ", is_startup=True,
         address="福岡市中央区天神2丁目8番1号 天神イノベーションビル5階",
         representative_title="代表取締役", representative_name="佐藤 翔太",
         website="https://mirai-mobility.example.jp/", phone="092-000-0101"),
    dict(key="sora", base="700120260022", name="株式会社そらはこび",
         name_kana="カブシキガイシャソラハコビ", is_startup=True,
         address="福岡市博多区博多駅前3丁目4番7号",
         representative_title="代表取締役CEO", representative_name="中島 陸",
         website="https://sorahakobi.example.jp/", phone="092-000-0102"),
    dict(key="sukusuku", base="700120260033", name="株式会社すくすくセンシング",
         name_kana="カブシキガイシャスクスクセンシング", is_startup=True,
         address="福岡市早良区百道浜2丁目1番22号",
         representative_title="代表取締役", representative_name="小川 真由",
         website="https://sukusuku-sensing.example.jp/", phone="092-000-0103"),
    dict(key="caretech", base="700150260044", name="一般社団法人ケアテック福岡",
         name_kana="イッパンシャダンホウジンケアテックフクオカ", is_startup=False,
         address="福岡市南区大橋1丁目15番6号",
         representative_title="代表理事", representative_name="森田 恵子",
         website="https://caretech-fukuoka.example.jp/", phone="092-000-0104"),
    dict(key="genkai", base="700120260055", name="玄界インフラテック株式会社",
         name_kana="ゲンカイインフラテックカブシキガイシャ", is_startup=False,
         address="福岡市東区箱崎6丁目10番1号",
         representative_title="代表取締役社長", representative_name="石井 健",
         website="https://genkai-infratech.example.jp/", phone="092-000-0105"),
    dict(key="green", base="700120260066", name="博多グリーンエナジー株式会社",
         name_kana="ハカタグリーンエナジーカブシキガイシャ", is_startup=False,
         address="福岡市博多区中洲5丁目3番8号",
         representative_title="代表取締役", representative_name="原田 誠司",
         website="https://hakata-green.example.jp/", phone="092-000-0106"),
    dict(key="datalab", base="700120260077", name="株式会社まちなかデータラボ",
         name_kana="カブシキガイシャマチナカデータラボ", is_startup=False,
         address="北九州市小倉北区浅野1丁目2番3号",
         representative_title="代表取締役", representative_name="岡本 直樹",
         website="https://machinaka-data.example.jp/", phone="093-000-0107"),
    dict(key="komorebi", base=None, name="デザイン工房こもれび",
         name_kana="デザインコウボウコモレビ", is_startup=False,
         address="福岡市城南区七隈4丁目5番2号",
         representative_title="代表", representative_name="山口 さくら",
         website="", phone="092-000-0108"),
]

# (e-mail, full name, role, organisation key / department code / affiliation, what to try)
STAFF = [
    ("desk@example.jp", "中村 彩", Role.DESK_STAFF, {}, "triage, dialogue, referrals"),
    ("manager@example.jp", "松本 健一", Role.DESK_MANAGER, {}, "adopt or decline"),
    ("dept-road@example.jp", "田中 誠", Role.DEPARTMENT, {"department": "road-sewerage"},
     "referrals to 道路下水道局"),
    ("dept-welfare@example.jp", "井上 由美", Role.DEPARTMENT, {"department": "health-welfare"},
     "referrals to 保健福祉局"),
    ("reviewer@example.jp", "木村 浩二", Role.REVIEWER, {"affiliation": "総務企画局 企画調整部"},
     "scores assigned proposals"),
    ("expert@example.jp", "林 美穂", Role.REVIEWER,
     {"affiliation": "九州みらい工科大学 工学研究院 教授（外部有識者）"},
     "outside expert; declared a conflict on one proposal"),
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
    department="fire", programme="demo-support",
)

# --- Proposals ------------------------------------------------------------------------------
# Each step is (action, who, arguments); "business" is the organisation's demo member,
# "desk" the desk staff, "manager" the desk manager.

_TO_DIALOGUE = [("submit", "business", {}),
                ("start_dialogue", "desk", {"note": "担当者を決め、事業者とオンラインで初回面談を行う。"})]
_TO_COORDINATION = _TO_DIALOGUE + [
    ("start_coordination", "desk", {"note": "提案内容を関係部局に照会し、実現可能性を確認する。"})]

PROPOSALS = [
    # 下書き
    dict(org="mirai", programme="joint", kind=Kind.PROPOSAL,
         title="MaaSアプリと市施設予約の連携による外出促進",
         summary="当社の移動サービスアプリから、市民センターや体育館などの市施設の空き状況確認・予約と、"
                 "そこまでの移動手段の予約を一度に行えるようにします。",
         problem="施設の予約と移動手段の手配が別々のため、特に高齢者にとって外出のハードルが高くなっています。",
         solution="市の施設予約システムの空き情報をAPIで受け取り、アプリ上で予約から経路案内、"
                  "配車までを一貫して提供します。",
         depts=["citizens"], ask_data=True, consents=["notes", "privacy"], steps=[]),
    # 受付
    dict(org="caretech", programme="joint", kind=Kind.PROPOSAL,
         title="市民センターを活用したシニア向けスマートフォン活用講座",
         summary="市民センターの空き時間を活用し、高齢者がスマートフォンで行政手続やオンライン診療を"
                 "利用できるよう、少人数の講座と個別相談会を開きます。",
         problem="行政手続のオンライン化が進む一方で、スマートフォンの操作に不安のある高齢者が"
                 "取り残されています。",
         solution="当法人の介護・ICT人材が講師となり、市民センター7か所で月2回の講座を行います。"
                  "講座資料は市と共同で作成し、市のウェブサイトで公開します。",
         expected_effect="年間延べ1,000人の受講を見込み、オンライン申請の利用増と窓口混雑の緩和につなげます。",
         depts=["citizens", "health-welfare"], ask_field=True, ask_publicity=True,
         desired_location="市内の市民センター7か所",
         steps=[("submit", "business", {})]),
    # 受付（テーマ型募集）
    dict(org="caretech", programme="demo-support", kind=Kind.PROPOSAL, theme=True,
         title="LINEを活用した避難行動要支援者の安否確認",
         summary="災害時に、避難行動要支援者とその支援者へLINEで安否確認のメッセージを一斉に送り、"
                 "回答を地図上に集約して区役所と共有します。",
         problem="災害時の安否確認は電話や戸別訪問に頼っており、要支援者の状況把握に時間がかかります。",
         solution="要支援者名簿のうち同意を得た方を対象に、安否確認と支援要請をLINEで受け付け、"
                  "区役所と支援者が同じ画面で状況を確認できるようにします。",
         expected_effect="安否確認にかかる時間を半分以下に短縮し、支援が必要な方へ早く人を向けられます。",
         depts=["health-welfare", "fire"], ask_field=True, ask_data=True,
         confidential=["solution"],
         steps=[("submit", "business", {})]),
    # 対話中（テーマ型募集）
    dict(org="datalab", programme="demo-support", kind=Kind.PROPOSAL, theme=True,
         title="避難所の混雑状況をリアルタイムで可視化するシステム",
         summary="避難所の受付で避難者数を入力するだけで、混雑状況を地図上に公開し、市民が空いている"
                 "避難所を選べるようにします。",
         problem="一部の避難所に避難者が集中し、受入れが難しくなる一方で、近くに余裕のある避難所が"
                 "あっても市民に伝わりません。",
         solution="タブレットで受付人数を入力し、混雑度を3段階で市のウェブサイトと防災アプリに表示します。"
                  "既存の避難所開設情報とも連携します。",
         expected_effect="避難者の分散により、避難所運営の負担軽減と感染症対策の向上が見込めます。",
         depts=["fire", "general-affairs"], ask_field=True, ask_data=True,
         steps=[("submit", "business", {}),
                ("start_dialogue", "desk",
                 {"note": "既存の避難所開設情報システムとの連携方法について、オンラインで打合せを行う。"})]),
    # 対話中（相談、個人事業主）
    dict(org="komorebi", programme="joint", kind=Kind.CONSULTATION,
         title="区役所の案内サインのユニバーサルデザイン改善に関するご相談",
         summary="高齢者や外国人、色覚に特性のある方にも分かりやすい区役所の案内サインについて、"
                 "デザインの面から協力できることがないかご相談したいです。",
         problem="窓口の場所が分かりにくく、来庁者が何度も職員に尋ねている様子を見かけます。",
         depts=["citizens"],
         steps=[("submit", "business", {}),
                ("start_dialogue", "desk",
                 {"note": "市民局の庁舎管理担当と現状を確認したうえで、面談日程を調整する。"})]),
    # 追加情報依頼
    dict(org="mirai", programme="demo-support", kind=Kind.PROPOSAL,
         title="アイランドシティにおける自動運転バスの公道走行実証",
         summary="アイランドシティの住宅地と駅を結ぶ約4kmのルートで、自動運転バス（レベル2）の"
                 "公道走行実証を行います。",
         problem="運転士の不足により、バス路線の維持が難しくなっています。",
         solution="運転士が同乗する自動運転バス1台を平日日中に運行し、走行データと利用者の声を集めます。",
         expected_effect="将来の運転士不足への備えと、自動運転に対する市民の受容性の確認につながります。",
         depts=["road-sewerage", "general-affairs"], ask_field=True, ask_deregulation=True,
         desired_location="アイランドシティ（東区）の市道", confidential=["schedule"],
         steps=_TO_DIALOGUE + [
             ("request_revision", "desk",
              {"note": "走行ルート上の交差点ごとの安全対策、緊急時の停止手順、加入予定の保険の補償内容を"
                       "追記してください。あわせて、実証期間中の運行ダイヤ案をお示しください。"})]),
    # 関係部局調整中
    dict(org="mirai", programme="demo-support", kind=Kind.PROPOSAL,
         title="AIオンデマンド交通による高齢者の移動支援実証",
         summary="路線バスの少ない地域で、AIが予約に応じて経路を決める乗合タクシーを運行し、"
                 "高齢者の通院や買い物の移動を支えます。",
         problem="交通空白地では、運転免許を返納した高齢者が通院や買い物に出かけにくくなっています。",
         solution="ワゴン車3台をAIで配車し、電話とアプリの両方で予約を受け付けます。乗降場所は地域の"
                  "集会所やスーパーなど24か所に設けます。",
         expected_effect="高齢者の外出機会の増加と、地域の移動手段の確保につながります。",
         city_cost=CityCost.UNDECIDED,
         city_cost_detail="実証期間の経費は当社が負担します。本格運行時の運行経費の一部について、"
                          "市の負担を協議させてください。",
         depts=["road-sewerage", "health-welfare", "general-affairs"], ask_field=True,
         ask_publicity=True, desired_location="西区・早良区の交通空白地",
         confidential=["city_cost_detail", "attachments"],
         steps=_TO_DIALOGUE + [
             ("request_revision", "desk",
              {"note": "乗降場所の候補地と、スマートフォンを使わない方の利用登録方法を具体的に記載して"
                       "ください。"}),
             ("resubmit", "business",
              {"note": "乗降場所の候補地24か所の一覧と、電話で利用登録できる手順を追記しました。"}),
             ("start_coordination", "desk",
              {"note": "道路下水道局に乗降場所の道路占用、保健福祉局に高齢者への周知方法を照会する。"}),
         ],
         referrals=[
             ("road-sewerage", "乗降場所の候補地24か所のうち、道路上に設ける8か所について、道路占用許可の"
                               "見込みと安全上の課題をご教示ください。"),
             ("health-welfare", "高齢者の利用登録について、地域包括支援センターや民生委員を通じた周知に"
                                "ご協力いただけるか、ご意見をお願いします。"),
         ]),
    # 審査中（テーマ型募集）
    dict(org="sora", programme="demo-support", kind=Kind.PROPOSAL, theme=True,
         title="災害時ドローン物資輸送の実証",
         summary="道路が寸断された想定で、備蓄倉庫から福祉避難所や離島へ、ドローンで医薬品や"
                 "飲料水を運ぶ実証を行います。",
         problem="大規模災害時には道路の寸断で孤立する地域が生じ、医薬品などの緊急物資が届きにくく"
                 "なります。",
         solution="最大積載5kgのドローン2機で、目視外飛行（レベル3）による定期輸送を訓練として"
                  "実施し、飛行経路と運用手順を検証します。",
         expected_effect="災害時の緊急輸送手段を確保し、平時は離島への配送サービスへの展開が見込めます。",
         depts=["fire", "road-sewerage", "health-welfare"], ask_field=True, ask_deregulation=True,
         desired_location="市内の備蓄倉庫、福祉避難所、玄界島", confidential=["solution", "attachments"],
         steps=_TO_COORDINATION + [
             ("start_review", "desk",
              {"note": "関係部局の意見を踏まえ、審査員2名による審査を行う。"})],
         referrals=[
             ("road-sewerage", "ドローンの離着陸場所として、道路区域内の空き地を一時的に使用できるか"
                               "ご意見をお願いします。"),
             ("health-welfare", "福祉避難所への医薬品輸送の訓練について、受入れ側の施設との調整が可能か"
                                "ご意見をお願いします。"),
             ("fire", "防災訓練との同時実施の可否と、飛行時の安全管理上の留意点をご教示ください。"),
         ],
         reviewers=[
             ("reviewer@example.jp", False, ""),
             ("expert@example.jp", True,
              "提案事業者の技術顧問を務めているため、本件の審査を辞退します。"),
         ]),
    # 審査中（スタートアップ公共調達）
    dict(org="sukusuku", programme="startup-procurement", kind=Kind.PROPOSAL,
         title="市立保育所の連絡帳と登降園管理のデジタル化実証",
         summary="紙の連絡帳と登降園の記録をスマートフォンアプリに置き換え、保護者との連絡と"
                 "出欠の集計を自動化します。",
         problem="保育士が毎日の連絡帳の記入と登降園の集計に多くの時間を取られています。",
         solution="保護者はアプリで体調や連絡事項を送り、登降園は玄関のQRコードで記録します。"
                  "集計結果は月次の報告書に自動で反映します。",
         expected_effect="保育士1人あたり1日30分程度の事務時間を削減し、保育に充てる時間を増やします。",
         depts=["children"], ask_field=True, desired_location="市立保育所2園",
         steps=_TO_COORDINATION + [
             ("start_review", "desk",
              {"note": "こども未来局の意見を踏まえ、審査員による審査を行う。"})],
         referrals=[("children", "市立保育所2園での実証について、既存の業務システムとの関係と"
                                 "保護者への説明についてご意見をお願いします。")],
         reviewers=[("reviewer@example.jp", False, ""), ("expert@example.jp", False, "")]),
    # 採択
    dict(org="caretech", programme="joint", kind=Kind.PROPOSAL,
         title="介護施設における見守りセンサーと介護記録の自動化",
         summary="市立の介護施設に離床・バイタルの見守りセンサーを設置し、測定値を介護記録へ自動で"
                 "取り込むことで、夜間の巡回と記録の負担を減らします。",
         problem="介護人材が不足するなか、夜間の巡回と手書きの記録が職員の大きな負担となっています。",
         solution="ベッドに非接触のセンサーを設置し、異常があるときだけ職員の端末に通知します。"
                  "測定値は介護記録ソフトへ自動で連携します。",
         expected_effect="夜間巡回の回数を3割程度減らし、記録にかかる時間を1日あたり1時間程度短縮します。",
         depts=["health-welfare"], ask_field=True, desired_location="市立介護老人保健施設（2施設）",
         steps=_TO_COORDINATION + [
             ("adopt", "manager",
              {"reason": "介護人材の不足という社会的課題への効果が大きく（社会性）、既存の市立施設で"
                         "安全に実施できる見込みがあり（安全性・実証可能性）、保健福祉局の同意も得られた"
                         "ため採択します。"})],
         referrals=[("health-welfare", "市立介護施設での実施について、施設側の受入れ体制と留意点をご教示"
                                       "ください。")]),
    # 協定締結（スタートアップ公共調達、審査あり）
    dict(org="mirai", programme="startup-procurement", kind=Kind.PROPOSAL,
         title="市営駐輪場の空き状況リアルタイム配信",
         summary="市営駐輪場の入口にセンサーを設置し、空き台数をリアルタイムでウェブサイトと地図アプリに"
                 "配信します。",
         problem="駅周辺の駐輪場が満車のときに空きを探して回る利用者が多く、放置自転車の一因にも"
                 "なっています。",
         solution="入出庫をカウントする小型センサーを設置し、空き台数をオープンデータとして配信します。",
         expected_effect="利用者の利便性向上と放置自転車の減少、駐輪場の利用の平準化が見込めます。",
         depts=["road-sewerage"], ask_field=True, ask_data=True,
         desired_location="天神・博多駅周辺の市営駐輪場5か所",
         steps=_TO_COORDINATION + [
             ("start_review", "desk", {"note": "スタートアップ公共調達サポートのため、審査員による審査を行う。"}),
             ("adopt", "manager",
              {"reason": "審査の結果、先進性と事業化可能性の評価が高く、駐輪場利用者の利便性向上が"
                         "見込まれるため採択します。実証で効果が確認された場合は、次年度の調達につなげる"
                         "ことを検討します。"}),
             ("conclude_agreement", "desk", {"note": "市営駐輪場の空き状況配信の実証に関する協定を締結。"}),
         ],
         referrals=[("road-sewerage", "市営駐輪場へのセンサー設置について、施設管理上の支障がないか"
                                      "ご確認ください。")],
         reviewers=[("reviewer@example.jp", False, ""), ("expert@example.jp", False, "")]),
    # 実証・フィールド提供中
    dict(org="sukusuku", programme="demo-support", kind=Kind.PROPOSAL,
         title="保育園の午睡チェックIoTによる見守り負担の軽減",
         summary="午睡中の園児の体の向きと呼吸の動きをセンサーで確認し、5分ごとの午睡チェックの記録を"
                 "自動化します。",
         problem="保育士は午睡中に5分ごとに全員の様子を確認して記録しており、大きな負担となっています。",
         solution="布団の下に敷くマット型センサーで体の向きと体動を検知し、異常時は保育士のタブレットに"
                  "通知します。記録は自動で作成します。",
         expected_effect="見守りの確実性を高めつつ、保育士の記録業務を1日あたり約40分削減します。",
         depts=["children"], ask_field=True, desired_location="市立保育所3園",
         confidential=["attachments"],
         steps=_TO_DIALOGUE + [
             ("request_revision", "desk",
              {"note": "センサーの衛生管理の方法と、保護者への説明文の案を追加してください。"}),
             ("resubmit", "business", {"note": "衛生管理の手順書と保護者向け説明文の案を追加しました。"}),
             ("start_coordination", "desk", {"note": "こども未来局に実施園の選定を相談する。"}),
             ("adopt", "manager",
              {"reason": "保育現場の負担軽減と安全性の向上が期待でき（社会性・安全性）、市立保育所での"
                         "実証が可能であることを確認できたため採択します。"}),
             ("conclude_agreement", "desk", {"note": "実証実験に関する協定を締結。"}),
             ("start_field", "desk", {"note": "市立保育所3園で実証を開始。"}),
         ],
         referrals=[("children", "市立保育所での実証について、実施園の候補と保護者への周知方法について"
                                 "ご意見をお願いします。")]),
    # 完了（社会実装）
    dict(org="genkai", programme="joint", kind=Kind.PROPOSAL,
         title="道路陥没の予兆を捉えるAI路面診断",
         summary="パトロール車に取り付けたカメラと地中レーダーの画像をAIで解析し、道路陥没の予兆となる"
                 "空洞や舗装の損傷を早期に見つけます。",
         problem="老朽化した下水道管などが原因の道路陥没が毎年発生しており、予兆の把握が課題です。",
         solution="既存の道路パトロール車に機器を取り付け、走行しながら路面と地中のデータを取得し、"
                  "AIが危険度の高い箇所を地図に示します。",
         expected_effect="陥没事故の未然防止と、点検の効率化による維持管理費の削減が見込めます。",
         depts=["road-sewerage"], ask_field=True, ask_data=True,
         desired_location="博多区・中央区の幹線市道",
         steps=_TO_COORDINATION + [
             ("adopt", "manager",
              {"reason": "市民の安全に直結する課題であり（社会性・安全性）、既存のパトロール業務の中で"
                         "実証できることから（実証可能性）採択します。"}),
             ("conclude_agreement", "desk", {"note": "共働事業に関する協定を締結。"}),
             ("start_field", "desk", {"note": "道路パトロール車2台に機器を取り付け、実証を開始。"}),
             ("complete", "desk",
              {"outcome": "rolled_out",
               "note": "空洞の早期発見に効果が確認されたため、市道パトロールへの本格導入が決まった。"}),
         ],
         referrals=[("road-sewerage", "道路パトロール車への機器の取付けと、取得データの取扱いについて"
                                      "ご確認ください。")]),
    # 完了（終了）
    dict(org="green", programme="demo-support", kind=Kind.PROPOSAL,
         title="ごみステーションの満杯検知センサーによる収集ルート最適化",
         summary="ごみステーションにセンサーを設置して溜まり具合を検知し、収集ルートを日ごとに"
                 "最適化します。",
         problem="収集車は決まったルートを回るため、ごみの少ない場所にも立ち寄り、非効率が生じています。",
         solution="超音波センサーで溜まり具合を測り、収集前日に最適なルートを作成します。",
         expected_effect="収集車の走行距離とCO2排出量の削減が見込めます。",
         depts=["environment"], ask_field=True, desired_location="南区のごみステーション50か所",
         steps=_TO_COORDINATION + [
             ("adopt", "manager",
              {"reason": "環境負荷の低減と収集業務の効率化が期待でき（社会性・先進性）、実証の体制が"
                         "整っていることから採択します。"}),
             ("conclude_agreement", "desk", {"note": "実証実験に関する協定を締結。"}),
             ("start_field", "desk", {"note": "南区のごみステーション50か所にセンサーを設置。"}),
             ("complete", "desk",
              {"outcome": "ended",
               "note": "走行距離の削減は一部の地区にとどまり、センサーの費用に見合う効果が得られなかったため、"
                       "実証をもって終了。得られたデータは収集計画の見直しに活用する。"}),
         ],
         referrals=[("environment", "ごみステーションへのセンサー設置と、収集ルート変更の可否について"
                                    "ご意見をお願いします。")]),
    # 受付対象外
    dict(org="green", programme="joint", kind=Kind.PROPOSAL,
         title="市有施設へのLED照明器具の一括導入のご提案",
         summary="市有施設の照明を当社のLED照明器具に一括で更新することを提案します。",
         problem="市有施設の照明に蛍光灯が多く残っており、電気代がかさんでいます。",
         solution="当社製のLED照明器具を特別価格で納入し、設置工事も行います。",
         depts=["general-affairs"],
         steps=[("submit", "business", {}),
                ("not_accept", "desk",
                 {"reason": "製品の販売を主な目的とするご提案のため、公民連携窓口の受付対象外となります。"
                            "照明設備の更新については、市の入札参加資格を取得のうえ、入札情報をご確認"
                            "ください。"})]),
    # 不採択（調整後）
    dict(org="datalab", programme="joint", kind=Kind.PROPOSAL,
         title="観光案内所への多言語AIコンシェルジュの導入",
         summary="観光案内所にAIが多言語で応答する案内端末を置き、外国人観光客の問い合わせに"
                 "24時間対応します。",
         problem="外国人観光客の増加で、観光案内所の多言語対応が追いついていません。",
         solution="12言語に対応するAI案内端末を3か所に設置し、観光情報や交通案内を提供します。",
         depts=["economy-tourism"], ask_field=True,
         steps=_TO_COORDINATION + [
             ("decline", "manager",
              {"reason": "関係部局と協議した結果、市が既に運営している多言語コールセンターと機能の多くが"
                         "重なり、現時点では追加の効果が見込めないため、不採択とします。"})],
         referrals=[("economy-tourism", "既存の多言語対応の事業との重複がないか、ご意見をお願いします。")]),
    # 不採択（審査後）
    dict(org="mirai", programme="startup-procurement", kind=Kind.PROPOSAL,
         title="市営渡船の需要予測AIによる運航最適化",
         summary="天候や行事の情報から市営渡船の乗船者数を予測し、臨時便や便数の調整に役立てます。",
         problem="繁忙期の積み残しと閑散期の空席が同時に生じています。",
         solution="過去の乗船データと天候、行事の情報をAIで学習し、1週間先までの需要を予測します。",
         depts=["economy-tourism"], ask_data=True,
         steps=_TO_COORDINATION + [
             ("start_review", "desk", {"note": "スタートアップ公共調達サポートのため、審査員による審査を行う。"}),
             ("decline", "manager",
              {"reason": "審査の結果、先進性は評価されましたが、予測に必要な乗船データの蓄積が不足しており、"
                         "実証可能性と事業化可能性の点で現時点では実施が困難と判断しました。データが整った"
                         "段階での再提案を歓迎します。"}),
         ],
         reviewers=[("reviewer@example.jp", False, ""), ("expert@example.jp", False, "")]),
    # 取下げ
    dict(org="genkai", programme="joint", kind=Kind.PROPOSAL,
         title="下水道管路のAI劣化診断",
         summary="下水道管のテレビカメラ調査の映像をAIで解析し、劣化の程度を自動で判定します。",
         problem="調査映像の確認に多くの時間がかかり、改築の優先順位付けが遅れています。",
         solution="過去の調査映像を学習したAIが、ひび割れや腐食を5段階で判定します。",
         depts=["road-sewerage"], ask_data=True,
         steps=_TO_DIALOGUE + [
             ("withdraw", "business",
              {"reason": "社内の開発体制の見直しにより、今年度中の実証が難しくなったため取り下げます。"
                         "体制が整い次第、改めてご相談します。"})]),
    # 相談終了
    dict(org="datalab", programme="joint", kind=Kind.CONSULTATION,
         title="商店街の人流データ活用に関するご相談",
         summary="商店街の回遊を促すため、市が持つ人流データを活用できないかご相談したいです。",
         problem="商店街の来街者数の変化を把握する手段がなく、販促の効果が分かりません。",
         depts=["economy-tourism"],
         steps=_TO_DIALOGUE + [
             ("close_consultation", "desk",
              {"note": "市が公開している人流オープンデータと、経済観光文化局の商店街支援制度をご案内し、"
                       "相談を終了。"})]),
]


# Answers the demo department members give: (proposal title, department code) →
# (opinion, comment, conditions). Departments without a demo member leave theirs open.
REFERRAL_ANSWERS = {
    ("AIオンデマンド交通による高齢者の移動支援実証", "road-sewerage"): (
        "conditional", "8か所のうち6か所は道路占用許可の見込みがあります。残る2か所は交差点に"
        "近く、安全上の理由から移設をお願いします。",
        "乗降場所の標示は道路管理者と協議のうえ設置すること。"),
    ("災害時ドローン物資輸送の実証", "health-welfare"): (
        "supportive", "福祉避難所2か所で受入れ訓練が可能です。施設との日程調整は当局で行います。",
        ""),
    ("災害時ドローン物資輸送の実証", "road-sewerage"): (
        "needs_info", "離着陸場所の候補地の地図と、使用する時間帯をお示しください。", ""),
}

REASON_TEMPLATES = [
    ("adopt", "採択（実証フィールド提供）",
     "社会性・先進性・実証可能性の観点から評価し、市としてフィールドを提供して実証を行う価値が"
     "高いと判断しました。今後、協定の締結に向けて具体的な調整を進めます。"),
    ("decline", "不採択（関係部局調整の結果）",
     "関係部局と調整を行いましたが、現時点では市の施策や既存事業との整合、実施体制の面から"
     "実現が難しいと判断しました。ご提案いただいた内容は今後の検討の参考とさせていただきます。"),
    ("decline", "不採択（審査結果）",
     "審査の結果、他の提案と比較して実証可能性・事業化可能性の評価が十分ではなかったため、"
     "今回は採択を見送ることとしました。"),
    ("not_accept", "受付対象外（物品販売・広告）",
     "ご提案の内容が製品・サービスの販売や広告を主な目的とするものであり、本窓口の受付対象"
     "（社会課題・行政課題の解決に向けた公民連携の提案）に当たらないため、受付対象外としました。"),
    ("not_accept", "受付対象外（資金提供のみの要望）",
     "ご提案が市からの資金提供のみを求める内容であり、本窓口の受付対象に当たらないため、"
     "受付対象外としました。補助金等の制度については担当部局にお問い合わせください。"),
    ("request_revision", "費用・体制の追加資料",
     "検討を進めるため、実施体制（担当者・役割）と費用の内訳（市の負担の有無を含む）が分かる"
     "資料をご提出ください。"),
]

# --- Projects, sites and reports ------------------------------------------------------------
# The adopted proposals above become projects automatically (projects.receivers). What the
# public reads is written here for citizens — never the proposal's own (possibly confidential)
# text — and goes through projects.services like the desk's screens do. The lifecycle stamps
# every step with the moment the command runs, so the demo's history happens "today": the
# agreements are dated today and every period starts today or later.

# Facilities the city can provide: (key, name, address, department code, notes for the desk).
SITES = [
    ("aoba-nursery", "市立あおば保育所", "共創市東区青葉3丁目12番5号", "children",
     "午睡の時間は12時30分から15時まで。園児の写真撮影は保護者の同意がある場合に限る。"),
    ("minato-nursery", "市立みなと保育所", "共創市中央区港2丁目4番18号", "children",
     "機器の搬入は平日16時以降。駐車場はないため、近隣の市営駐車場を利用する。"),
    ("hidamari", "ひだまり複合福祉施設（保育所・介護老人保健施設）", "共創市南区日吉町5丁目1番1号",
     "health-welfare",
     "1階が保育所、2・3階が介護老人保健施設。2つの事業が同じ時期に使う場合は、階ごとに"
     "区分して調整する。"),
    ("sakura-care", "市立介護老人保健施設 さくら苑", "共創市西区桜台1丁目7番20号", "health-welfare",
     "夜間（22時から6時）の立入りは職員の立会いが必要。"),
    ("tenjin-bicycle", "天神駅前市営駐輪場", "共創市中央区天神1丁目14番", "road-sewerage",
     "収容1,200台。出入口の工事は利用の少ない深夜に行い、道路占用の手続を別途とる。"),
    ("east-road-office", "東部道路維持事務所（パトロール車両基地）", "共創市東区箱崎埠頭4丁目3番2号",
     "road-sewerage", "パトロール車6台。機器の取付けは車両整備の日程に合わせる。"),
]

# Per adopted proposal (by title): the public text (ja and en), the details, the sites booked
# (site key, first day, last day as days from today, conditions), the reports and, for
# completed projects, the public outcome. ``publish`` False leaves the text waiting for the
# manager's approval — the case the desk sees first.
PROJECTS = {
    "介護施設における見守りセンサーと介護記録の自動化": dict(
        title="市立介護施設での見守りセンサーの試行",
        summary="市立の介護老人保健施設2か所で、ベッドに触れずに眠りや起き上がりを見守るセンサーを"
                "試します。夜間の見回りや記録にかかる職員の負担を減らし、入所している方が安心して"
                "眠れる環境づくりにつなげます。",
        title_en="Trial of bedside monitoring sensors in city care homes",
        summary_en="Two city-run care homes try sensors that watch over residents' sleep and "
                   "getting up without touching them, to lighten the staff's night rounds and "
                   "record keeping and to let residents sleep undisturbed.",
        fields=["welfare", "digital"], departments=["health-welfare"],
        locations="ひだまり複合福祉施設、市立介護老人保健施設 さくら苑",
        locations_en="Hidamari welfare complex; Sakura-en city care home",
        period=(60, 240), route="no_cost", publish=False,
        bookings=[("hidamari", 60, 240, "2階・3階の居室20床。設置工事は日中に行う。"),
                  ("sakura-care", 60, 240, "居室30床。夜間の通知は職員の端末のみに送る。")],
    ),
    "市営駐輪場の空き状況リアルタイム配信": dict(
        title="市営駐輪場の空き台数をスマートフォンでお知らせ",
        summary="駅前の市営駐輪場に出入りする自転車を数えるセンサーを設置し、空き台数を市の"
                "ホームページや地図アプリでリアルタイムにお知らせします。空いている駐輪場を探して"
                "回る手間を減らし、放置自転車の減少を目指します。",
        title_en="Free spaces at city bicycle parks, live on your phone",
        summary_en="Sensors count the bicycles entering and leaving the city's bicycle parks at "
                   "the stations, and the number of free spaces is shown live on the city's "
                   "website and in map apps, so riders no longer search from one park to the "
                   "next and fewer bicycles are left on the street.",
        fields=["mobility", "digital"], departments=["road-sewerage"],
        locations="天神駅・博多駅周辺の市営駐輪場5か所",
        locations_en="Five city bicycle parks around Tenjin and Hakata stations",
        period=(30, 210), route="single_source", publish=True,
        bookings=[("tenjin-bicycle", 30, 210,
                   "出入口2か所にセンサーを設置。工事は深夜1時から5時、利用者の通行を妨げないこと。")],
    ),
    "保育園の午睡チェックIoTによる見守り負担の軽減": dict(
        title="保育所のお昼寝見守りにセンサーを活用する実証",
        summary="市立保育所3園で、布団の下に敷くマット型のセンサーがお昼寝中の子どもの体の向きや"
                "動きを確かめ、5分ごとの確認の記録を自動で作ります。保育士が子どもの様子を見る"
                "ことに集中でき、見守りの確実性も高まるかを確かめます。",
        title_en="Sensors that help watch over children's naps at nursery schools",
        summary_en="At three city nursery schools, mat sensors under the futons check how "
                   "napping children lie and move and write the five-minute check record "
                   "automatically. The trial tests whether staff can then give the children "
                   "their full attention and watch over them more reliably.",
        fields=["childcare", "digital"], departments=["children"],
        locations="市立あおば保育所、市立みなと保育所、ひだまり複合福祉施設内の保育所",
        locations_en="Aoba and Minato city nursery schools; the nursery in the Hidamari "
                     "welfare complex",
        period=(0, 180), route="no_cost", publish=True,
        bookings=[("aoba-nursery", 0, 180, "0〜2歳児クラスの午睡室。センサーの清掃は毎週金曜日。"),
                  ("minato-nursery", 0, 180, "1〜2歳児クラスの午睡室。"),
                  # The care-home trial has the complex from day 60: the desk is warned and
                  # books it anyway (the nursery is on another floor).
                  ("hidamari", 0, 180, "1階の保育所のみ。2・3階の介護施設の実証と重なるため、"
                                       "機器の搬入日は施設と調整する。")],
        reports=[dict(
            kind="progress",
            body="実証開始から1か月の経過報告です。3園の0〜2歳児クラス計42人を対象に、午睡中の"
                 "体の向きと体動の記録を自動で作成しました。センサーの通知はすべて保育士が確認し、"
                 "うつぶせ寝の検知による通知が12件ありました。保育士へのアンケートでは、記録の"
                 "負担が減ったとの回答が多数でした。",
            figures=[("対象の園児", "42", "人"), ("自動で作成した確認記録", "98.5", "%"),
                     ("保育士1人あたりの記録時間の削減", "38", "分/日"),
                     ("うつぶせ寝の通知", "12", "件")],
            accept=None)],
    ),
    "道路陥没の予兆を捉えるAI路面診断": dict(
        title="AIで道路の陥没を未然に防ぐ路面診断",
        summary="道路パトロール車にカメラと地中レーダーを取り付け、走りながら集めた画像をAIが"
                "解析して、道路陥没の原因になる地下の空洞や舗装の傷みを早めに見つけます。",
        title_en="AI road inspection that finds cave-ins before they happen",
        summary_en="Cameras and ground-penetrating radar on the city's road patrol cars collect "
                   "images while driving; AI analyses them to find the hollows under the road "
                   "and the damaged paving that lead to cave-ins, early.",
        fields=["disaster", "digital"], departments=["road-sewerage"],
        locations="博多区・中央区の幹線市道", locations_en="Main city roads in Hakata and Chuo wards",
        period=(0, 0), route="competitive_proposal", publish=True,
        bookings=[("east-road-office", 0, 0, "パトロール車2台に機器を取り付ける。")],
        reports=[dict(
            kind="final",
            body="幹線市道120kmを対象に、パトロール車2台で路面と地中のデータを取得しました。AIが"
                 "危険度が高いと判定した箇所を試掘で確認したところ、14か所で空洞を発見し、うち3か所は"
                 "陥没のおそれが高いため緊急に補修しました。点検にかかる時間は従来より35%短くなり"
                 "ました。",
            figures=[("調査した道路の延長", "120", "km"), ("発見した空洞", "14", "か所"),
                     ("緊急補修", "3", "か所"), ("点検時間の短縮", "35", "%")],
            accept=True)],
        outcome="rolled_out",
        outcome_summary="実証で地下の空洞を早く見つけられることが確かめられたため、市道のパトロールに"
                        "本格的に導入しました。",
        outcome_summary_en="The trial showed that hollows under the road are found early, so the "
                           "city now uses the system on all its road patrols.",
    ),
    "ごみステーションの満杯検知センサーによる収集ルート最適化": dict(
        title="ごみステーションのセンサーで収集ルートを見直す実証",
        summary="南区のごみステーション50か所に、ごみのたまり具合を測るセンサーを取り付け、"
                "収集車の回るルートを日ごとに組み替えて、走行距離や二酸化炭素の排出を減らせるかを"
                "確かめました。",
        title_en="Sensors at waste collection points to plan collection routes",
        summary_en="Sensors at 50 waste collection points in Minami ward measured how full they "
                   "were, and the collection trucks' routes were planned day by day to see "
                   "whether driving distance and CO2 emissions go down.",
        fields=["environment"], departments=["environment"],
        locations="南区のごみステーション50か所", locations_en="50 waste collection points in Minami ward",
        period=(0, 0), route="no_cost", publish=True,
        reports=[dict(
            kind="final",
            body="ごみステーション50か所で、たまり具合の測定と収集ルートの最適化を行いました。"
                 "収集車の走行距離は全体で4.2%減りましたが、効果は集合住宅の多い一部の地区に"
                 "とどまり、センサーの設置と通信の費用に見合う効果は得られませんでした。",
            figures=[("センサーを設置したステーション", "50", "か所"), ("走行距離の削減", "4.2", "%"),
                     ("二酸化炭素排出量の削減", "1.8", "t")],
            accept=True)],
        outcome="ended",
        outcome_summary="走行距離は一部の地区で減りましたが、センサーの費用に見合う効果が得られなかった"
                        "ため、実証をもって終了しました。集めたデータは収集計画の見直しに活用します。",
        outcome_summary_en="Driving distance went down in some districts only, not enough to "
                           "justify the sensors' cost, so the project ended after the trial. The "
                           "data collected is used to revise the collection plans.",
    ),
}


class Command(BaseCommand):
    help = ("Create demo data: programmes, consent texts, departments, businesses, demo logins "
            f"(password {DEMO_PASSWORD}) and proposals in every state. Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing if any user exists (used by `make run`).")

    def handle(self, *args, **options):
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("users already exist: demo data not seeded (--if-empty)")
            return
        started = time.monotonic()
        # The demo's e-mails (receipts, status changes, referrals) go to made-up addresses:
        # they are recorded in the outbox but never handed to a real mail server.
        from django.test.utils import override_settings

        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), \
                transaction.atomic():
            Seeder(self).run()
        self.stdout.write(f"done in {time.monotonic() - started:.1f} s")
        logins = ", ".join(f"{email} ({role})" for email, role in demo_logins())
        self.stdout.write(f"demo logins (password {DEMO_PASSWORD}): {logins}")


def demo_logins() -> list[tuple[str, str]]:
    """(e-mail, role) of every demo login, in the order docs/demo-logins.md lists them."""
    return ([(email, role.value) for email, _n, role, _x, _t in STAFF]
            + [(email, Role.BUSINESS.value) for email, _n, _o in BUSINESS_MEMBERS])


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
                code=spec.pop("code"), defaults=spec)
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
                kind=spec.pop("kind"), version=CONSENT_VERSION,
                defaults=dict(spec, effective_from=effective_from))
            created += was_created
        self.report(f"consent texts (version {CONSENT_VERSION})", created, len(CONSENTS) - created)

    def seed_reason_templates(self) -> None:
        created = 0
        for order, (action, title, body) in enumerate(REASON_TEMPLATES):
            _template, was_created = ReasonTemplate.objects.get_or_create(
                action=action, title=title, defaults={"body": body, "sort_order": order})
            created += was_created
        self.report("reason templates", created, len(REASON_TEMPLATES) - created)

    def seed_departments(self) -> dict[str, Department]:
        result, created = {}, 0
        for code, name, name_en in DEPARTMENTS:
            department, was_created = Department.objects.get_or_create(
                code=code, defaults=dict(name=name, name_en=name_en,
                                         email=f"{code}@city.example.jp"))
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
                    name=spec["name"], corporate_number="", is_sole_proprietor=True).first()
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
            user, was_created = self._user(email, full_name=full_name, role=Role.BUSINESS,
                                           organization=self.organizations[org_key])
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
            kind=spec.pop("kind"), title=spec.pop("title"),
            defaults=dict(spec, department=department, programme=programme,
                          opens_at=self.now - dt.timedelta(days=14),
                          closes_at=self.now + dt.timedelta(days=14),
                          questions_until=self.now + dt.timedelta(days=4)))
        self.report("themed calls (open for four weeks)", int(created), 1 - int(created))
        if created:
            # A question a business asked during the question period, answered for everyone.
            from themes import services as theme_services

            asker = self.business_of[next(iter(self.business_of))]
            question = theme_services.ask_question(
                theme, asker, "離島（玄界島）への輸送を含めない提案も対象になりますか。")
            theme_services.answer_question(
                question, self.desk,
                "対象になります。離島への輸送は必須ではありませんが、孤立地域への輸送を想定した"
                "提案を優先的に評価します。")
        return theme

    def seed_sites(self) -> dict[str, Site]:
        """Facilities the city can provide, each with the department in charge."""
        result, created = {}, 0
        for key, name, address, department, notes in SITES:
            site = Site.objects.filter(name=name).first()
            if site is None:
                site = project_services.save_site(
                    self.desk, name=name, address=address, department=self.departments[department],
                    notes=notes)
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
                due = self.today + dt.timedelta(days=14 if proposal.state in (
                    State.COORDINATION, State.REVIEW) else -30)
                referral, was_created = Referral.objects.get_or_create(
                    proposal=proposal, department=self.departments[code],
                    defaults=dict(question=question, due_date=due, created_by=self.desk))
                referrals += was_created
                answer = REFERRAL_ANSWERS.get((spec["title"], code))
                member = self.department_member(code)
                if was_created and answer and member is not None:
                    services.answer_referral(referral, member, answer[0], comment=answer[1],
                                             conditions=answer[2])
            for email, conflict, note in spec.get("reviewers", []):
                _a, was_created = ReviewAssignment.objects.get_or_create(
                    proposal=proposal, reviewer=self.users[email],
                    defaults=dict(conflict_declared=conflict, conflict_note=note))
                assignments += was_created
        self.out.write(
            f"created {created} proposals through the lifecycle ({transitions} transitions, "
            f"{referrals} referrals, {assignments} review assignments), "
            f"{len(PROPOSALS) - created} already present")
        titles = [spec["title"] for spec in PROPOSALS]
        counts = Counter(Proposal.objects.filter(title__in=titles).values_list("state", flat=True))
        self.out.write("demo proposals by state: " + ", ".join(
            f"{state.value} {counts.get(state.value, 0)}" for state in State))

    def department_member(self, code: str):
        return User.objects.filter(role=Role.DEPARTMENT, department=self.departments[code],
                                   is_active=True).order_by("pk").first()

    def build_proposal(self, spec: dict) -> tuple[Proposal, int]:
        member = self.business_of[spec["org"]]
        fields = dict(
            kind=spec["kind"], programme=self.programmes[spec["programme"]], title=spec["title"],
            summary=spec.get("summary", ""), problem=spec.get("problem", ""),
            solution=spec.get("solution", ""), expected_effect=spec.get("expected_effect", ""),
            ask_field=spec.get("ask_field", False), ask_data=spec.get("ask_data", False),
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
            fields.update(desired_start=start, desired_end=start + dt.timedelta(days=90),
                          schedule="協定締結後、1か月の準備期間を経て3か月間実施し、"
                                   "終了後1か月以内に結果を報告します。")
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
            project, self.desk, title=details["title"], summary=details["summary"],
            title_en=details["title_en"], summary_en=details["summary_en"])
        start, end = details["period"]
        project_services.update_details(
            project, self.desk,
            fields=list(Field.objects.filter(code__in=details["fields"])),
            departments=[self.departments[code] for code in details["departments"]],
            locations=details["locations"], locations_en=details["locations_en"],
            period_start=self._day(start), period_end=self._day(end),
            procurement_route=details["route"])
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
            arguments = dict(site=self.sites[key], start=self._day(start), end=self._day(end),
                             conditions=conditions)
            try:
                project_services.book_site(project, self.desk, **arguments)
            except project_services.SiteOverlap:
                # The desk reads the warning, checks with the department, books anyway.
                project_services.book_site(project, self.desk, confirm_overlap=True,
                                           **arguments)
                self.project_counts["overlaps confirmed"] += 1
            self.project_counts["bookings"] += 1

    def file_reports(self, proposal, member: User, details: dict) -> None:
        """The business reports; the desk accepts (``accept`` True) or has yet to review."""
        project = self._project(proposal)
        for spec in details.get("reports", []):
            report = project_services.submit_report(
                project, member, kind=spec["kind"], body=spec["body"], figures=spec["figures"])
            if spec["accept"] is not None:
                project_services.review_report(
                    report, self.desk, accept=spec["accept"],
                    comment="報告を確認しました。結果は公開の一覧に反映します。")
            self.project_counts["reports"] += 1

    def complete_project(self, proposal, member: User, details: dict, outcome: str) -> None:
        project = self._project(proposal)
        self.file_reports(proposal, member, details)
        project_services.complete(project, self.desk, outcome=outcome,
                                  outcome_summary=details["outcome_summary"],
                                  outcome_summary_en=details["outcome_summary_en"])

    def report_projects(self) -> None:
        counts = self.project_counts
        self.out.write(
            f"filled in {counts['published'] + counts['waiting for approval']} projects "
            f"({counts['published']} published, {counts['waiting for approval']} waiting for "
            f"approval, {counts['bookings']} site bookings, {counts['overlaps confirmed']} "
            f"overlap confirmed, {counts['reports']} reports); "
            f"{Project.objects.count()} projects, {SiteBooking.objects.count()} bookings and "
            f"{Report.objects.count()} reports in the database")
