"""The demo's adopted projects: public text, details, agreements, sites booked and reports.
Plain data, read by ``demo.seeder``.
"""

from __future__ import annotations

# --- Projects, sites and reports ------------------------------------------------------------
# The adopted proposals above become projects automatically (projects.receivers). What the
# public reads is written here for citizens — never the proposal's own (possibly confidential)
# text — and goes through projects.services like the desk's screens do. The lifecycle stamps
# every step with the moment the command runs, so the demo's history happens "today": the
# agreements are dated today and every period starts today or later.

# Facilities the city can provide: (key, name, address, department code, notes for the desk).
SITES = [
    (
        "aoba-nursery",
        "市立あおば保育所",
        "共創市東区青葉3丁目12番5号",
        "children",
        "午睡の時間は12時30分から15時まで。園児の写真撮影は保護者の同意がある場合に限る。",
    ),
    (
        "minato-nursery",
        "市立みなと保育所",
        "共創市中央区港2丁目4番18号",
        "children",
        "機器の搬入は平日16時以降。駐車場はないため、近隣の市営駐車場を利用する。",
    ),
    (
        "hidamari",
        "ひだまり複合福祉施設（保育所・介護老人保健施設）",
        "共創市南区日吉町5丁目1番1号",
        "health-welfare",
        "1階が保育所、2・3階が介護老人保健施設。2つの事業が同じ時期に使う場合は、階ごとに"
        "区分して調整する。",
    ),
    (
        "sakura-care",
        "市立介護老人保健施設 さくら苑",
        "共創市西区桜台1丁目7番20号",
        "health-welfare",
        "夜間（22時から6時）の立入りは職員の立会いが必要。",
    ),
    (
        "tenjin-bicycle",
        "天神駅前市営駐輪場",
        "共創市中央区天神1丁目14番",
        "road-sewerage",
        "収容1,200台。出入口の工事は利用の少ない深夜に行い、道路占用の手続を別途とる。",
    ),
    (
        "east-road-office",
        "東部道路維持事務所（パトロール車両基地）",
        "共創市東区箱崎埠頭4丁目3番2号",
        "road-sewerage",
        "パトロール車6台。機器の取付けは車両整備の日程に合わせる。",
    ),
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
        fields=["welfare", "digital"],
        departments=["health-welfare"],
        locations="ひだまり複合福祉施設、市立介護老人保健施設 さくら苑",
        locations_en="Hidamari welfare complex; Sakura-en city care home",
        period=(60, 240),
        route="no_cost",
        publish=False,
        bookings=[
            ("hidamari", 60, 240, "2階・3階の居室20床。設置工事は日中に行う。"),
            ("sakura-care", 60, 240, "居室30床。夜間の通知は職員の端末のみに送る。"),
        ],
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
        fields=["mobility", "digital"],
        departments=["road-sewerage"],
        locations="天神駅・博多駅周辺の市営駐輪場5か所",
        locations_en="Five city bicycle parks around Tenjin and Hakata stations",
        period=(30, 210),
        route="single_source",
        publish=True,
        bookings=[
            (
                "tenjin-bicycle",
                30,
                210,
                "出入口2か所にセンサーを設置。工事は深夜1時から5時、利用者の通行を妨げないこと。",
            )
        ],
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
        fields=["childcare", "digital"],
        departments=["children"],
        locations="市立あおば保育所、市立みなと保育所、ひだまり複合福祉施設内の保育所",
        locations_en="Aoba and Minato city nursery schools; the nursery in the Hidamari "
        "welfare complex",
        period=(0, 180),
        route="no_cost",
        publish=True,
        bookings=[
            ("aoba-nursery", 0, 180, "0〜2歳児クラスの午睡室。センサーの清掃は毎週金曜日。"),
            ("minato-nursery", 0, 180, "1〜2歳児クラスの午睡室。"),
            # The care-home trial has the complex from day 60: the desk is warned and
            # books it anyway (the nursery is on another floor).
            (
                "hidamari",
                0,
                180,
                "1階の保育所のみ。2・3階の介護施設の実証と重なるため、"
                "機器の搬入日は施設と調整する。",
            ),
        ],
        reports=[
            dict(
                kind="progress",
                body="実証開始から1か月の経過報告です。3園の0〜2歳児クラス計42人を対象に、午睡中の"
                "体の向きと体動の記録を自動で作成しました。センサーの通知はすべて保育士が確認し、"
                "うつぶせ寝の検知による通知が12件ありました。保育士へのアンケートでは、記録の"
                "負担が減ったとの回答が多数でした。",
                figures=[
                    ("対象の園児", "42", "人"),
                    ("自動で作成した確認記録", "98.5", "%"),
                    ("保育士1人あたりの記録時間の削減", "38", "分/日"),
                    ("うつぶせ寝の通知", "12", "件"),
                ],
                accept=None,
            )
        ],
    ),
    "道路陥没の予兆を捉えるAI路面診断": dict(
        title="AIで道路の陥没を未然に防ぐ路面診断",
        summary="道路パトロール車にカメラと地中レーダーを取り付け、走りながら集めた画像をAIが"
        "解析して、道路陥没の原因になる地下の空洞や舗装の傷みを早めに見つけます。",
        title_en="AI road inspection that finds cave-ins before they happen",
        summary_en="Cameras and ground-penetrating radar on the city's road patrol cars collect "
        "images while driving; AI analyses them to find the hollows under the road "
        "and the damaged paving that lead to cave-ins, early.",
        fields=["disaster", "digital"],
        departments=["road-sewerage"],
        locations="博多区・中央区の幹線市道",
        locations_en="Main city roads in Hakata and Chuo wards",
        period=(0, 0),
        route="competitive_proposal",
        publish=True,
        bookings=[("east-road-office", 0, 0, "パトロール車2台に機器を取り付ける。")],
        reports=[
            dict(
                kind="final",
                body="幹線市道120kmを対象に、パトロール車2台で路面と地中のデータを取得しました。AIが"
                "危険度が高いと判定した箇所を試掘で確認したところ、14か所で空洞を発見し、うち3か所は"
                "陥没のおそれが高いため緊急に補修しました。点検にかかる時間は従来より35%短くなり"
                "ました。",
                figures=[
                    ("調査した道路の延長", "120", "km"),
                    ("発見した空洞", "14", "か所"),
                    ("緊急補修", "3", "か所"),
                    ("点検時間の短縮", "35", "%"),
                ],
                accept=True,
            )
        ],
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
        fields=["environment"],
        departments=["environment"],
        locations="南区のごみステーション50か所",
        locations_en="50 waste collection points in Minami ward",
        period=(0, 0),
        route="no_cost",
        publish=True,
        reports=[
            dict(
                kind="final",
                body="ごみステーション50か所で、たまり具合の測定と収集ルートの最適化を行いました。"
                "収集車の走行距離は全体で4.2%減りましたが、効果は集合住宅の多い一部の地区に"
                "とどまり、センサーの設置と通信の費用に見合う効果は得られませんでした。",
                figures=[
                    ("センサーを設置したステーション", "50", "か所"),
                    ("走行距離の削減", "4.2", "%"),
                    ("二酸化炭素排出量の削減", "1.8", "t"),
                ],
                accept=True,
            )
        ],
        outcome="ended",
        outcome_summary="走行距離は一部の地区で減りましたが、センサーの費用に見合う効果が得られなかった"
        "ため、実証をもって終了しました。集めたデータは収集計画の見直しに活用します。",
        outcome_summary_en="Driving distance went down in some districts only, not enough to "
        "justify the sensors' cost, so the project ended after the trial. The "
        "data collected is used to revise the collection plans.",
    ),
}
