"""The demo's proposals, one or more in every state, with the steps that bring each there, the
departments' answers and the desk's reason templates. Plain data, read by ``demo.seeder``.
"""

from __future__ import annotations

from proposals.states import CityCost, Kind

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

