"""Demo data for purchases, actual entries (payroll, contracts), cost reports and saving measures."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from whitewall.accounts.models import Department, User
from whitewall.approvals.models import RequestStatus
from whitewall.approvals.services import approval_decide, approval_withdraw
from whitewall.finance import services
from whitewall.finance.analysis import add_months
from whitewall.finance.demo_budgets import PLAN, approve_all
from whitewall.finance.models import (
    ActualEntry,
    BudgetCategory,
    FiscalYear,
    PurchaseRequest,
    SavingMeasure,
    SavingStatus,
)

# Monthly payroll variation (per mille of the plan's monthly amount): bonuses in January and July.
PAYROLL_FACTOR = [1080, 980, 990, 1000, 1000, 995, 1060, 1000, 1005, 1000, 1010, 1020]

# Service contracts behind two saving measures: the monthly cost before and after each measure.
CONTRACTS = [
    ("tech-support", "operating", "云服务器按量计费（阿里云）", Decimal("9200"), Decimal("7300")),
    ("operations", "operating", "办公耗材与打印外包服务", Decimal("12400"), Decimal("11300")),
]


def _month_end(day: datetime.date) -> datetime.date:
    return add_months(day, 1) - datetime.timedelta(days=1)


def _entry(department, category, on, amount, description, reference) -> None:
    services.actual_entry_save(
        actor=None,
        entry=ActualEntry(
            department=department,
            category=category,
            date=on,
            amount=amount,
            description=description,
            reference=reference,
        ),
    )


def _covered(day: datetime.date) -> bool:
    return FiscalYear.objects.filter(start_date__lte=day, end_date__gte=day).exists()


def seed_actuals(today: datetime.date) -> int:
    """Payroll per department for every complete month of this year, and two service contracts."""
    categories = {c.code: c for c in BudgetCategory.objects.all()}
    departments = {d.code: d for d in Department.objects.filter(code__in=PLAN)}
    made = 0
    this_month = today.replace(day=1)
    for month_index in range(1, today.month):
        month = datetime.date(today.year, month_index, 1)
        for code, plan in PLAN.items():
            if code not in departments or "personnel" not in plan:
                continue
            amount = (Decimal(plan["personnel"]) / 12 * PAYROLL_FACTOR[month_index - 1] / 1000).quantize(
                Decimal("0.01")
            )
            _entry(
                departments[code],
                categories["personnel"],
                _month_end(month),
                amount,
                f"{month:%Y年%m月}工资、社保及公积金（{departments[code].name}）",
                f"PAY-{month:%Y%m}-{code}",
            )
            made += 1
    start = add_months(this_month, -4)
    for code, category, description, before, after in CONTRACTS:
        if code not in departments:
            continue
        for offset in range(-3, 4):
            month = add_months(start, offset)
            if month >= this_month or not _covered(month):
                continue
            amount = before if offset < 0 else after
            amount += Decimal(offset * 37)  # months are never exactly alike
            _entry(
                departments[code],
                categories[category],
                add_months(month, 0).replace(day=25),
                amount,
                f"{description} {month:%Y年%m月}账单",
                f"CON-{month:%Y%m}-{code}",
            )
            made += 1
    return made


PURCHASES = [
    # requester, department, category, project, title, reason, items, final state
    (
        "support",
        "tech-support",
        "equipment",
        "moderation-ai",
        "审核辅助 GPU 服务器",
        "智能审核辅助项目需要本地推理服务器，现有机器显存不足。",
        [("GPU 推理服务器（双卡）", "1", "68000"), ("机柜 PDU 及线缆", "2", "850")],
        "received",
    ),
    (
        "support",
        "tech-support",
        "equipment",
        None,
        "运维笔记本更换",
        "三台运维笔记本已使用五年，电池老化频繁宕机。",
        [("14 英寸笔记本电脑", "3", "6800")],
        "ordered",
    ),
    (
        "operator",
        "operations",
        "operating",
        "wall-2",
        "白墙 2.0 改版用户调研礼品",
        "用户访谈与可用性测试的参与者礼品。",
        [("定制帆布袋", "60", "35"), ("咖啡券", "60", "30")],
        "approved",
    ),
    (
        "marketing",
        "marketing",
        "marketing",
        "campus-tour",
        "高校巡回推广物料",
        "秋季高校巡回推广的展架、海报与宣传册。",
        [("易拉宝展架", "10", "260"), ("宣传册印刷", "2000", "2.8"), ("海报", "200", "6")],
        "submitted",
    ),
    (
        "security",
        "security",
        "equipment",
        None,
        "门禁读卡器更换",
        "机房门禁读卡器老化，识别失败率高。",
        [("门禁读卡器", "4", "1200")],
        "rejected",
    ),
    (
        "hr",
        "hr",
        "operating",
        None,
        "招聘平台年度会员",
        "校园招聘季前开通招聘平台企业会员。",
        [("招聘平台企业会员（年）", "1", "4800")],
        "withdrawn",
    ),
    (
        "operator",
        "operations",
        "operating",
        None,
        "运营部打印机",
        "旧打印机维修费用接近新机价格。",
        [("激光打印机", "1", "2600")],
        "cancelled",
    ),
    (
        "operator",
        "operations",
        "operating",
        None,
        "直播设备补充",
        "周末直播活动需要补光灯和领夹麦克风。",
        [("补光灯", "2", "420"), ("无线领夹麦克风", "2", "380")],
        "draft",
    ),
]


def seed_purchases(today: datetime.date) -> int:
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    finance = users.get("finance")
    departments = {d.code: d for d in Department.objects.all()}
    categories = {c.code: c for c in BudgetCategory.objects.all()}
    from whitewall.projects.models import Project

    projects = {p.code: p for p in Project.objects.all()}
    made = 0
    for requester, department, category, project, title, reason, items, state in PURCHASES:
        user = users.get(requester)
        if user is None or department not in departments or finance is None:
            continue
        expected = (
            today if state in ("draft", "submitted", "withdrawn") else add_months(today.replace(day=1), -1)
        )
        if not _covered(expected):
            expected = today
        with transaction.atomic():
            request = services.purchase_save(
                actor=user,
                request=PurchaseRequest(
                    title=title,
                    requester=user,
                    department=departments[department],
                    category=categories[category],
                    project=projects.get(project) if project else None,
                    reason=reason,
                    expected_date=expected,
                ),
                items=[{"description": d, "quantity": q, "unit_price": p} for d, q, p in items],
            )
            made += 1
            if state == "draft":
                continue
            approval, _check = services.purchase_submit(actor=user, request=request)
            if state == "submitted":
                continue
            if state == "withdrawn":
                approval_withdraw(actor=user, request=approval, comment="预算年度内改用按月付费方案")
                continue
            if state == "rejected":
                task = approval.tasks.filter(round=approval.round, status="pending").first()
                if task is not None:
                    approval_decide(
                        actor=task.assignee,
                        request=approval,
                        decision="reject",
                        comment="先评估维修方案，暂缓采购",
                    )
                continue
            approve_all(approval)
            approval.refresh_from_db()
            if approval.status != RequestStatus.APPROVED:
                continue
            request.refresh_from_db()
            if state == "cancelled":
                services.purchase_cancel(actor=finance, request=request, reason="已找到可调拨的闲置打印机")
                continue
            if state == "approved":
                continue
            ordered_on = max(expected, today - datetime.timedelta(days=20))
            ordered_on = min(ordered_on, today)
            services.purchase_order(
                actor=finance,
                request=request,
                supplier="北京华信科技有限公司" if category == "equipment" else "上海印象文化用品有限公司",
                order_reference=f"PO-{today:%Y}-{request.pk:04d}",
                ordered_on=ordered_on,
            )
            if state == "received":
                services.purchase_receive(
                    actor=finance,
                    request=request,
                    received_on=min(ordered_on + datetime.timedelta(days=7), today),
                    received_amount=request.amount - Decimal("1200"),
                )
    return made


FINDINGS = (
    "1. 本月人员费用按计划发放，占实际支出的八成以上；技术支持部因审核辅助服务器到货，设备购置执行率明显上升。\n"
    "2. 市场推广部秋季物料集中采购，已承诺金额较高，需关注下月实际到账。\n"
    "3. 运营部日常运营费用连续三个月高于月度预算，主要来自打印外包。"
)
ACTIONS = (
    "1. 运营部与财务部共同复核打印外包合同，下月起按实际印量结算。\n"
    "2. 市场推广部在活动结束后五个工作日内完成报销与验收，释放未用承诺。\n"
    "3. 技术支持部评估云资源预留实例的续约方案，作为下季度节约措施。"
)


def seed_reports(today: datetime.date) -> int:
    finance = User.objects.filter(username="finance").first()
    made = 0
    last = add_months(today.replace(day=1), -1)
    for month in (add_months(last, -1), last):
        if not _covered(month):
            continue
        report, _created = services.cost_report_generate(month=month, actor=None)
        report.summary = f"{month:%Y年%m月}成本分析：支出总体可控，个别部门日常运营费用偏高。"
        report.findings = FINDINGS
        report.actions = ACTIONS
        report.prepared_by = finance
        services.cost_report_save(actor=None, report=report)
        services.cost_report_publish(actor=finance, report=report)
        made += 1
    return made


def seed_measures(today: datetime.date) -> int:
    users = {
        u.username: u for u in User.objects.filter(username__in=("support", "ops_manager", "hr", "finance"))
    }
    departments = {d.code: d for d in Department.objects.all()}
    categories = {c.code: c for c in BudgetCategory.objects.all()}
    start = add_months(today.replace(day=1), -4)
    rows = [
        (
            "云资源预留实例替代按量付费",
            "将长期运行的审核服务改为一年期预留实例，按量付费只保留给突发流量。",
            "support",
            "tech-support",
            "operating",
            "9200",
            "1500",
            start,
            add_months(start, 12) - datetime.timedelta(days=1),
            SavingStatus.ACTIVE,
        ),
        (
            "办公耗材集中采购与双面打印",
            "耗材由财务部统一比价采购，打印机默认双面黑白。",
            "ops_manager",
            "operations",
            "operating",
            "12400",
            "2000",
            start,
            add_months(start, 6) - datetime.timedelta(days=1),
            SavingStatus.ACTIVE,
        ),
        (
            "线上面试替代异地初试",
            "初试改为视频面试，只有终面安排异地差旅。",
            "hr",
            "hr",
            "travel",
            "1000",
            "400",
            add_months(today.replace(day=1), 1),
            add_months(today.replace(day=1), 7) - datetime.timedelta(days=1),
            SavingStatus.PLANNED,
        ),
    ]
    made = 0
    for title, description, owner, department, category, baseline, target, begin, end, status in rows:
        if owner not in users or department not in departments:
            continue
        services.saving_measure_save(
            actor=None,
            measure=SavingMeasure(
                title=title,
                description=description,
                owner=users[owner],
                department=departments[department],
                category=categories[category],
                baseline=Decimal(baseline),
                target_saving=Decimal(target),
                start_date=begin,
                end_date=end,
                status=status,
            ),
        )
        made += 1
    return made


def seed_costs() -> str:
    from whitewall.finance.models import SavingMeasure

    if SavingMeasure.objects.exists():
        return "already present"
    today = timezone.localdate()
    if not _covered(today):
        return "no fiscal year covers today: nothing seeded"
    actuals = seed_actuals(today)
    purchases = seed_purchases(today)
    reports = seed_reports(today)
    measures = seed_measures(today)
    return f"{actuals} actual entries, {purchases} purchase requests, {reports} cost reports, {measures} saving measures"
