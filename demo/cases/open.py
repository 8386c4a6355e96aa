"""Demo proposals still open: from the draft to the review."""

from __future__ import annotations

from proposals.states import CityCost, Kind

from .steps import TO_COORDINATION, TO_DIALOGUE

OPEN_CASES = [
    # 下書き
    dict(
        org="mirai",
        programme="joint",
        kind=Kind.PROPOSAL,
        title="MaaSアプリと市施設予約の連携による外出促進",
        summary="当社の移動サービスアプリから、市民センターや体育館などの市施設の空き状況確認・予約と、"
        "そこまでの移動手段の予約を一度に行えるようにします。",
        problem="施設の予約と移動手段の手配が別々のため、特に高齢者にとって外出のハードルが高くなっています。",
        solution="市の施設予約システムの空き情報をAPIで受け取り、アプリ上で予約から経路案内、"
        "配車までを一貫して提供します。",
        depts=["citizens"],
        ask_data=True,
        consents=["notes", "privacy"],
        steps=[],
    ),
    # 受付
    dict(
        org="caretech",
        programme="joint",
        kind=Kind.PROPOSAL,
        title="市民センターを活用したシニア向けスマートフォン活用講座",
        summary="市民センターの空き時間を活用し、高齢者がスマートフォンで行政手続やオンライン診療を"
        "利用できるよう、少人数の講座と個別相談会を開きます。",
        problem="行政手続のオンライン化が進む一方で、スマートフォンの操作に不安のある高齢者が"
        "取り残されています。",
        solution="当法人の介護・ICT人材が講師となり、市民センター7か所で月2回の講座を行います。"
        "講座資料は市と共同で作成し、市のウェブサイトで公開します。",
        expected_effect="年間延べ1,000人の受講を見込み、オンライン申請の利用増と窓口混雑の緩和につなげます。",
        depts=["citizens", "health-welfare"],
        ask_field=True,
        ask_publicity=True,
        desired_location="市内の市民センター7か所",
        steps=[("submit", "business", {})],
    ),
    # 受付（テーマ型募集）
    dict(
        org="caretech",
        programme="demo-support",
        kind=Kind.PROPOSAL,
        theme=True,
        title="LINEを活用した避難行動要支援者の安否確認",
        summary="災害時に、避難行動要支援者とその支援者へLINEで安否確認のメッセージを一斉に送り、"
        "回答を地図上に集約して区役所と共有します。",
        problem="災害時の安否確認は電話や戸別訪問に頼っており、要支援者の状況把握に時間がかかります。",
        solution="要支援者名簿のうち同意を得た方を対象に、安否確認と支援要請をLINEで受け付け、"
        "区役所と支援者が同じ画面で状況を確認できるようにします。",
        expected_effect="安否確認にかかる時間を半分以下に短縮し、支援が必要な方へ早く人を向けられます。",
        depts=["health-welfare", "fire"],
        ask_field=True,
        ask_data=True,
        confidential=["solution"],
        steps=[("submit", "business", {})],
    ),
    # 対話中（テーマ型募集）
    dict(
        org="datalab",
        programme="demo-support",
        kind=Kind.PROPOSAL,
        theme=True,
        title="避難所の混雑状況をリアルタイムで可視化するシステム",
        summary="避難所の受付で避難者数を入力するだけで、混雑状況を地図上に公開し、市民が空いている"
        "避難所を選べるようにします。",
        problem="一部の避難所に避難者が集中し、受入れが難しくなる一方で、近くに余裕のある避難所が"
        "あっても市民に伝わりません。",
        solution="タブレットで受付人数を入力し、混雑度を3段階で市のウェブサイトと防災アプリに表示します。"
        "既存の避難所開設情報とも連携します。",
        expected_effect="避難者の分散により、避難所運営の負担軽減と感染症対策の向上が見込めます。",
        depts=["fire", "general-affairs"],
        ask_field=True,
        ask_data=True,
        steps=[
            ("submit", "business", {}),
            (
                "start_dialogue",
                "desk",
                {
                    "note": "既存の避難所開設情報システムとの連携方法について、オンラインで打合せを行う。"
                },
            ),
        ],
    ),
    # 対話中（相談、個人事業主）
    dict(
        org="komorebi",
        programme="joint",
        kind=Kind.CONSULTATION,
        title="区役所の案内サインのユニバーサルデザイン改善に関するご相談",
        summary="高齢者や外国人、色覚に特性のある方にも分かりやすい区役所の案内サインについて、"
        "デザインの面から協力できることがないかご相談したいです。",
        problem="窓口の場所が分かりにくく、来庁者が何度も職員に尋ねている様子を見かけます。",
        depts=["citizens"],
        steps=[
            ("submit", "business", {}),
            (
                "start_dialogue",
                "desk",
                {"note": "市民局の庁舎管理担当と現状を確認したうえで、面談日程を調整する。"},
            ),
        ],
    ),
    # 追加情報依頼
    dict(
        org="mirai",
        programme="demo-support",
        kind=Kind.PROPOSAL,
        title="アイランドシティにおける自動運転バスの公道走行実証",
        summary="アイランドシティの住宅地と駅を結ぶ約4kmのルートで、自動運転バス（レベル2）の"
        "公道走行実証を行います。",
        problem="運転士の不足により、バス路線の維持が難しくなっています。",
        solution="運転士が同乗する自動運転バス1台を平日日中に運行し、走行データと利用者の声を集めます。",
        expected_effect="将来の運転士不足への備えと、自動運転に対する市民の受容性の確認につながります。",
        depts=["road-sewerage", "general-affairs"],
        ask_field=True,
        ask_deregulation=True,
        desired_location="アイランドシティ（東区）の市道",
        confidential=["schedule"],
        steps=TO_DIALOGUE
        + [
            (
                "request_revision",
                "desk",
                {
                    "note": "走行ルート上の交差点ごとの安全対策、緊急時の停止手順、加入予定の保険の補償内容を"
                    "追記してください。あわせて、実証期間中の運行ダイヤ案をお示しください。"
                },
            )
        ],
    ),
    # 関係部局調整中
    dict(
        org="mirai",
        programme="demo-support",
        kind=Kind.PROPOSAL,
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
        depts=["road-sewerage", "health-welfare", "general-affairs"],
        ask_field=True,
        ask_publicity=True,
        desired_location="西区・早良区の交通空白地",
        confidential=["city_cost_detail", "attachments"],
        steps=TO_DIALOGUE
        + [
            (
                "request_revision",
                "desk",
                {
                    "note": "乗降場所の候補地と、スマートフォンを使わない方の利用登録方法を具体的に記載して"
                    "ください。"
                },
            ),
            (
                "resubmit",
                "business",
                {
                    "note": "乗降場所の候補地24か所の一覧と、電話で利用登録できる手順を追記しました。"
                },
            ),
            (
                "start_coordination",
                "desk",
                {
                    "note": "道路下水道局に乗降場所の道路占用、保健福祉局に高齢者への周知方法を照会する。"
                },
            ),
        ],
        referrals=[
            (
                "road-sewerage",
                "乗降場所の候補地24か所のうち、道路上に設ける8か所について、道路占用許可の"
                "見込みと安全上の課題をご教示ください。",
            ),
            (
                "health-welfare",
                "高齢者の利用登録について、地域包括支援センターや民生委員を通じた周知に"
                "ご協力いただけるか、ご意見をお願いします。",
            ),
        ],
    ),
    # 審査中（テーマ型募集）
    dict(
        org="sora",
        programme="demo-support",
        kind=Kind.PROPOSAL,
        theme=True,
        title="災害時ドローン物資輸送の実証",
        summary="道路が寸断された想定で、備蓄倉庫から福祉避難所や離島へ、ドローンで医薬品や"
        "飲料水を運ぶ実証を行います。",
        problem="大規模災害時には道路の寸断で孤立する地域が生じ、医薬品などの緊急物資が届きにくく"
        "なります。",
        solution="最大積載5kgのドローン2機で、目視外飛行（レベル3）による定期輸送を訓練として"
        "実施し、飛行経路と運用手順を検証します。",
        expected_effect="災害時の緊急輸送手段を確保し、平時は離島への配送サービスへの展開が見込めます。",
        depts=["fire", "road-sewerage", "health-welfare"],
        ask_field=True,
        ask_deregulation=True,
        desired_location="市内の備蓄倉庫、福祉避難所、玄界島",
        confidential=["solution", "attachments"],
        steps=TO_COORDINATION
        + [
            (
                "start_review",
                "desk",
                {"note": "関係部局の意見を踏まえ、審査員2名による審査を行う。"},
            )
        ],
        referrals=[
            (
                "road-sewerage",
                "ドローンの離着陸場所として、道路区域内の空き地を一時的に使用できるか"
                "ご意見をお願いします。",
            ),
            (
                "health-welfare",
                "福祉避難所への医薬品輸送の訓練について、受入れ側の施設との調整が可能か"
                "ご意見をお願いします。",
            ),
            ("fire", "防災訓練との同時実施の可否と、飛行時の安全管理上の留意点をご教示ください。"),
        ],
        reviewers=[
            ("reviewer@example.jp", False, ""),
            (
                "expert@example.jp",
                True,
                "提案事業者の技術顧問を務めているため、本件の審査を辞退します。",
            ),
        ],
    ),
    # 審査中（スタートアップ公共調達）
    dict(
        org="sukusuku",
        programme="startup-procurement",
        kind=Kind.PROPOSAL,
        title="市立保育所の連絡帳と登降園管理のデジタル化実証",
        summary="紙の連絡帳と登降園の記録をスマートフォンアプリに置き換え、保護者との連絡と"
        "出欠の集計を自動化します。",
        problem="保育士が毎日の連絡帳の記入と登降園の集計に多くの時間を取られています。",
        solution="保護者はアプリで体調や連絡事項を送り、登降園は玄関のQRコードで記録します。"
        "集計結果は月次の報告書に自動で反映します。",
        expected_effect="保育士1人あたり1日30分程度の事務時間を削減し、保育に充てる時間を増やします。",
        depts=["children"],
        ask_field=True,
        desired_location="市立保育所2園",
        steps=TO_COORDINATION
        + [
            (
                "start_review",
                "desk",
                {"note": "こども未来局の意見を踏まえ、審査員による審査を行う。"},
            )
        ],
        referrals=[
            (
                "children",
                "市立保育所2園での実証について、既存の業務システムとの関係と"
                "保護者への説明についてご意見をお願いします。",
            )
        ],
        reviewers=[("reviewer@example.jp", False, ""), ("expert@example.jp", False, "")],
    ),
]
