"""Demo proposals decided or closed: adopted (and every step after), not accepted, declined,
withdrawn, closed consultations."""

from __future__ import annotations

from proposals.states import Kind

from .steps import TO_COORDINATION, TO_DIALOGUE

DECIDED_CASES = [
    # 採択
    dict(
        org="caretech",
        programme="joint",
        kind=Kind.PROPOSAL,
        title="介護施設における見守りセンサーと介護記録の自動化",
        summary="市立の介護施設に離床・バイタルの見守りセンサーを設置し、測定値を介護記録へ自動で"
        "取り込むことで、夜間の巡回と記録の負担を減らします。",
        problem="介護人材が不足するなか、夜間の巡回と手書きの記録が職員の大きな負担となっています。",
        solution="ベッドに非接触のセンサーを設置し、異常があるときだけ職員の端末に通知します。"
        "測定値は介護記録ソフトへ自動で連携します。",
        expected_effect="夜間巡回の回数を3割程度減らし、記録にかかる時間を1日あたり1時間程度短縮します。",
        depts=["health-welfare"],
        ask_field=True,
        desired_location="市立介護老人保健施設（2施設）",
        steps=TO_COORDINATION
        + [
            (
                "adopt",
                "manager",
                {
                    "reason": "介護人材の不足という社会的課題への効果が大きく（社会性）、既存の市立施設で"
                    "安全に実施できる見込みがあり（安全性・実証可能性）、保健福祉局の同意も得られた"
                    "ため採択します。"
                },
            )
        ],
        referrals=[
            (
                "health-welfare",
                "市立介護施設での実施について、施設側の受入れ体制と留意点をご教示ください。",
            )
        ],
    ),
    # 協定締結（スタートアップ公共調達、審査あり）
    dict(
        org="mirai",
        programme="startup-procurement",
        kind=Kind.PROPOSAL,
        title="市営駐輪場の空き状況リアルタイム配信",
        summary="市営駐輪場の入口にセンサーを設置し、空き台数をリアルタイムでウェブサイトと地図アプリに"
        "配信します。",
        problem="駅周辺の駐輪場が満車のときに空きを探して回る利用者が多く、放置自転車の一因にも"
        "なっています。",
        solution="入出庫をカウントする小型センサーを設置し、空き台数をオープンデータとして配信します。",
        expected_effect="利用者の利便性向上と放置自転車の減少、駐輪場の利用の平準化が見込めます。",
        depts=["road-sewerage"],
        ask_field=True,
        ask_data=True,
        desired_location="天神・博多駅周辺の市営駐輪場5か所",
        steps=TO_COORDINATION
        + [
            (
                "start_review",
                "desk",
                {"note": "スタートアップ公共調達サポートのため、審査員による審査を行う。"},
            ),
            (
                "adopt",
                "manager",
                {
                    "reason": "審査の結果、先進性と事業化可能性の評価が高く、駐輪場利用者の利便性向上が"
                    "見込まれるため採択します。実証で効果が確認された場合は、次年度の調達につなげる"
                    "ことを検討します。"
                },
            ),
            (
                "conclude_agreement",
                "desk",
                {"note": "市営駐輪場の空き状況配信の実証に関する協定を締結。"},
            ),
        ],
        referrals=[
            (
                "road-sewerage",
                "市営駐輪場へのセンサー設置について、施設管理上の支障がないかご確認ください。",
            )
        ],
        reviewers=[("reviewer@example.jp", False, ""), ("expert@example.jp", False, "")],
    ),
    # 実証・フィールド提供中
    dict(
        org="sukusuku",
        programme="demo-support",
        kind=Kind.PROPOSAL,
        title="保育園の午睡チェックIoTによる見守り負担の軽減",
        summary="午睡中の園児の体の向きと呼吸の動きをセンサーで確認し、5分ごとの午睡チェックの記録を"
        "自動化します。",
        problem="保育士は午睡中に5分ごとに全員の様子を確認して記録しており、大きな負担となっています。",
        solution="布団の下に敷くマット型センサーで体の向きと体動を検知し、異常時は保育士のタブレットに"
        "通知します。記録は自動で作成します。",
        expected_effect="見守りの確実性を高めつつ、保育士の記録業務を1日あたり約40分削減します。",
        depts=["children"],
        ask_field=True,
        desired_location="市立保育所3園",
        confidential=["attachments"],
        steps=TO_DIALOGUE
        + [
            (
                "request_revision",
                "desk",
                {"note": "センサーの衛生管理の方法と、保護者への説明文の案を追加してください。"},
            ),
            (
                "resubmit",
                "business",
                {"note": "衛生管理の手順書と保護者向け説明文の案を追加しました。"},
            ),
            ("start_coordination", "desk", {"note": "こども未来局に実施園の選定を相談する。"}),
            (
                "adopt",
                "manager",
                {
                    "reason": "保育現場の負担軽減と安全性の向上が期待でき（社会性・安全性）、市立保育所での"
                    "実証が可能であることを確認できたため採択します。"
                },
            ),
            ("conclude_agreement", "desk", {"note": "実証実験に関する協定を締結。"}),
            ("start_field", "desk", {"note": "市立保育所3園で実証を開始。"}),
        ],
        referrals=[
            (
                "children",
                "市立保育所での実証について、実施園の候補と保護者への周知方法について"
                "ご意見をお願いします。",
            )
        ],
    ),
    # 完了（社会実装）
    dict(
        org="genkai",
        programme="joint",
        kind=Kind.PROPOSAL,
        title="道路陥没の予兆を捉えるAI路面診断",
        summary="パトロール車に取り付けたカメラと地中レーダーの画像をAIで解析し、道路陥没の予兆となる"
        "空洞や舗装の損傷を早期に見つけます。",
        problem="老朽化した下水道管などが原因の道路陥没が毎年発生しており、予兆の把握が課題です。",
        solution="既存の道路パトロール車に機器を取り付け、走行しながら路面と地中のデータを取得し、"
        "AIが危険度の高い箇所を地図に示します。",
        expected_effect="陥没事故の未然防止と、点検の効率化による維持管理費の削減が見込めます。",
        depts=["road-sewerage"],
        ask_field=True,
        ask_data=True,
        desired_location="博多区・中央区の幹線市道",
        steps=TO_COORDINATION
        + [
            (
                "adopt",
                "manager",
                {
                    "reason": "市民の安全に直結する課題であり（社会性・安全性）、既存のパトロール業務の中で"
                    "実証できることから（実証可能性）採択します。"
                },
            ),
            ("conclude_agreement", "desk", {"note": "共働事業に関する協定を締結。"}),
            ("start_field", "desk", {"note": "道路パトロール車2台に機器を取り付け、実証を開始。"}),
            (
                "complete",
                "desk",
                {
                    "outcome": "rolled_out",
                    "note": "空洞の早期発見に効果が確認されたため、市道パトロールへの本格導入が決まった。",
                },
            ),
        ],
        referrals=[
            (
                "road-sewerage",
                "道路パトロール車への機器の取付けと、取得データの取扱いについてご確認ください。",
            )
        ],
    ),
    # 完了（終了）
    dict(
        org="green",
        programme="demo-support",
        kind=Kind.PROPOSAL,
        title="ごみステーションの満杯検知センサーによる収集ルート最適化",
        summary="ごみステーションにセンサーを設置して溜まり具合を検知し、収集ルートを日ごとに"
        "最適化します。",
        problem="収集車は決まったルートを回るため、ごみの少ない場所にも立ち寄り、非効率が生じています。",
        solution="超音波センサーで溜まり具合を測り、収集前日に最適なルートを作成します。",
        expected_effect="収集車の走行距離とCO2排出量の削減が見込めます。",
        depts=["environment"],
        ask_field=True,
        desired_location="南区のごみステーション50か所",
        steps=TO_COORDINATION
        + [
            (
                "adopt",
                "manager",
                {
                    "reason": "環境負荷の低減と収集業務の効率化が期待でき（社会性・先進性）、実証の体制が"
                    "整っていることから採択します。"
                },
            ),
            ("conclude_agreement", "desk", {"note": "実証実験に関する協定を締結。"}),
            ("start_field", "desk", {"note": "南区のごみステーション50か所にセンサーを設置。"}),
            (
                "complete",
                "desk",
                {
                    "outcome": "ended",
                    "note": "走行距離の削減は一部の地区にとどまり、センサーの費用に見合う効果が得られなかったため、"
                    "実証をもって終了。得られたデータは収集計画の見直しに活用する。",
                },
            ),
        ],
        referrals=[
            (
                "environment",
                "ごみステーションへのセンサー設置と、収集ルート変更の可否について"
                "ご意見をお願いします。",
            )
        ],
    ),
    # 受付対象外
    dict(
        org="green",
        programme="joint",
        kind=Kind.PROPOSAL,
        title="市有施設へのLED照明器具の一括導入のご提案",
        summary="市有施設の照明を当社のLED照明器具に一括で更新することを提案します。",
        problem="市有施設の照明に蛍光灯が多く残っており、電気代がかさんでいます。",
        solution="当社製のLED照明器具を特別価格で納入し、設置工事も行います。",
        depts=["general-affairs"],
        steps=[
            ("submit", "business", {}),
            (
                "not_accept",
                "desk",
                {
                    "reason": "製品の販売を主な目的とするご提案のため、公民連携窓口の受付対象外となります。"
                    "照明設備の更新については、市の入札参加資格を取得のうえ、入札情報をご確認"
                    "ください。"
                },
            ),
        ],
    ),
    # 不採択（調整後）
    dict(
        org="datalab",
        programme="joint",
        kind=Kind.PROPOSAL,
        title="観光案内所への多言語AIコンシェルジュの導入",
        summary="観光案内所にAIが多言語で応答する案内端末を置き、外国人観光客の問い合わせに"
        "24時間対応します。",
        problem="外国人観光客の増加で、観光案内所の多言語対応が追いついていません。",
        solution="12言語に対応するAI案内端末を3か所に設置し、観光情報や交通案内を提供します。",
        depts=["economy-tourism"],
        ask_field=True,
        steps=TO_COORDINATION
        + [
            (
                "decline",
                "manager",
                {
                    "reason": "関係部局と協議した結果、市が既に運営している多言語コールセンターと機能の多くが"
                    "重なり、現時点では追加の効果が見込めないため、不採択とします。"
                },
            )
        ],
        referrals=[
            ("economy-tourism", "既存の多言語対応の事業との重複がないか、ご意見をお願いします。")
        ],
    ),
    # 不採択（審査後）
    dict(
        org="mirai",
        programme="startup-procurement",
        kind=Kind.PROPOSAL,
        title="市営渡船の需要予測AIによる運航最適化",
        summary="天候や行事の情報から市営渡船の乗船者数を予測し、臨時便や便数の調整に役立てます。",
        problem="繁忙期の積み残しと閑散期の空席が同時に生じています。",
        solution="過去の乗船データと天候、行事の情報をAIで学習し、1週間先までの需要を予測します。",
        depts=["economy-tourism"],
        ask_data=True,
        steps=TO_COORDINATION
        + [
            (
                "start_review",
                "desk",
                {"note": "スタートアップ公共調達サポートのため、審査員による審査を行う。"},
            ),
            (
                "decline",
                "manager",
                {
                    "reason": "審査の結果、先進性は評価されましたが、予測に必要な乗船データの蓄積が不足しており、"
                    "実証可能性と事業化可能性の点で現時点では実施が困難と判断しました。データが整った"
                    "段階での再提案を歓迎します。"
                },
            ),
        ],
        reviewers=[("reviewer@example.jp", False, ""), ("expert@example.jp", False, "")],
    ),
    # 取下げ
    dict(
        org="genkai",
        programme="joint",
        kind=Kind.PROPOSAL,
        title="下水道管路のAI劣化診断",
        summary="下水道管のテレビカメラ調査の映像をAIで解析し、劣化の程度を自動で判定します。",
        problem="調査映像の確認に多くの時間がかかり、改築の優先順位付けが遅れています。",
        solution="過去の調査映像を学習したAIが、ひび割れや腐食を5段階で判定します。",
        depts=["road-sewerage"],
        ask_data=True,
        steps=TO_DIALOGUE
        + [
            (
                "withdraw",
                "business",
                {
                    "reason": "社内の開発体制の見直しにより、今年度中の実証が難しくなったため取り下げます。"
                    "体制が整い次第、改めてご相談します。"
                },
            )
        ],
    ),
    # 相談終了
    dict(
        org="datalab",
        programme="joint",
        kind=Kind.CONSULTATION,
        title="商店街の人流データ活用に関するご相談",
        summary="商店街の回遊を促すため、市が持つ人流データを活用できないかご相談したいです。",
        problem="商店街の来街者数の変化を把握する手段がなく、販促の効果が分かりません。",
        depts=["economy-tourism"],
        steps=TO_DIALOGUE
        + [
            (
                "close_consultation",
                "desk",
                {
                    "note": "市が公開している人流オープンデータと、経済観光文化局の商店街支援制度をご案内し、"
                    "相談を終了。"
                },
            )
        ],
    ),
]
