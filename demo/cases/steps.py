"""How a demo proposal reaches its state: the steps in order, each (action, who, arguments)."""

from __future__ import annotations

# --- Proposals ------------------------------------------------------------------------------
# Each step is (action, who, arguments); "business" is the organisation's demo member,
# "desk" the desk staff, "manager" the desk manager.

TO_DIALOGUE = [
    ("submit", "business", {}),
    ("start_dialogue", "desk", {"note": "担当者を決め、事業者とオンラインで初回面談を行う。"}),
]
TO_COORDINATION = TO_DIALOGUE + [
    ("start_coordination", "desk", {"note": "提案内容を関係部局に照会し、実現可能性を確認する。"})
]
