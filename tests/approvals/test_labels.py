"""People read process names and tier names in their language, never the policy file's codes."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

from whitewall.approvals.labels import PROCESS_LABELS, process_label, tier_label
from whitewall.config.policy import get_policy


def test_every_process_of_the_shipped_policy_has_a_label():
    for flow in get_policy().approvals.flows:
        assert flow.process in PROCESS_LABELS, flow.process


def test_process_and_tier_labels_in_chinese():
    with translation.override("zh-hans"):
        assert process_label("finance.reimbursement") == "报销单"
        assert tier_label("Department head") == "部门负责人"
        assert tier_label("Finance officer (above 1,000)") == "财务专员（1,000 元以上）"
        # A name the organisation wrote itself, or an unknown process, is shown as written.
        assert tier_label("财务总监") == "财务总监"
        assert process_label("custom.process") == "custom.process"


def test_every_shipped_tier_name_is_translated():
    with translation.override("zh-hans"):
        for flow in get_policy().approvals.flows:
            for tier in flow.tiers:
                assert tier_label(tier.name) != tier.name, tier.name


def test_filters_render_labels():
    template = Template("{% load approvals %}{{ p|process_label }} / {{ t|tier_label }}")
    with translation.override("zh-hans"):
        out = template.render(Context({"p": "finance.purchase", "t": "Executive (above 50,000)"}))
    assert out == "采购申请 / 公司领导（50,000 元以上）"
