"""Demo data: a welcome in every demo staff member's inbox, a finished job, a disabled webhook."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from whitewall.core.models import Job
from whitewall.notifications.models import Notification, WebhookEndpoint
from whitewall.notifications.services import notify

EXAMPLE_WEBHOOK = "运营值班群（钉钉示例）"


def seed_notifications() -> str:
    if WebhookEndpoint.objects.filter(name=EXAMPLE_WEBHOOK).exists():
        return "already present"
    User = get_user_model()
    staff = list(User.objects.filter(is_staff=True, is_active=True))
    created = notify(
        recipients=staff,
        kind="notifications.general",
        title="欢迎使用白墙运营管理平台",
        body="控制台集中了内容运营、服务台、项目、人员、财务与安全等工作。右上角的铃铛会提示未读通知，"
        "可在“通知设置”中选择接收方式。",
        url=reverse("console:home"),
    )
    admin = User.objects.filter(username="admin").first()
    count = len(created)
    if admin is not None:
        now = timezone.now()
        job = Job.objects.create(
            name="重建全局搜索索引",
            task="demo.rebuild_search_index",
            arguments={"scope": "all"},
            status=Job.SUCCEEDED,
            progress=100,
            attempts=1,
            created_by=admin,
            started=now - datetime.timedelta(minutes=7),
            finished=now - datetime.timedelta(minutes=5),
            log=[
                {
                    "at": (now - datetime.timedelta(minutes=7)).isoformat(timespec="seconds"),
                    "message": "开始：共 3 类记录",
                },
                {
                    "at": (now - datetime.timedelta(minutes=6)).isoformat(timespec="seconds"),
                    "message": "员工与部门已完成",
                },
                {
                    "at": (now - datetime.timedelta(minutes=5)).isoformat(timespec="seconds"),
                    "message": "全部完成",
                },
            ],
            result={"indexed": 42},
        )
        Notification.objects.create(
            recipient=admin,
            kind="notifications.general",
            title="后台任务“重建全局搜索索引”已完成",
            body="共索引 42 条记录。",
            url=reverse("core:job_detail", kwargs={"pk": job.pk}),
            object_type="core.job",
            object_id=str(job.pk),
        )
        count += 1
    WebhookEndpoint.objects.create(
        name=EXAMPLE_WEBHOOK,
        kind=WebhookEndpoint.DINGTALK,
        url="https://oapi.dingtalk.com/robot/send?access_token=REPLACE-WITH-YOUR-TOKEN",
        secret="",
        kinds=["jobs.failed"],
        enabled=False,
        description="示例：填入机器人的 access_token 与加签密钥后启用，后台任务失败时通知值班群。",
    )
    return f"{count} notifications, 1 disabled example webhook"
