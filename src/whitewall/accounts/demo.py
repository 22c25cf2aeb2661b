"""The demo organisation: one account per role plus enough colleagues to look like a real team."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group

from whitewall.accounts.models import Department, Position, StaffProfile, User
from whitewall.core.demo import demo_password

POSITIONS = [
    # code, name, department code
    ("sysadmin", "系统管理员", "tech-support"),
    ("ops-manager", "运营经理", "operations"),
    ("ops-specialist", "运营专员", "operations"),
    ("content-reviewer", "内容审核员", "content-review"),
    ("support-engineer", "技术支持工程师", "tech-support"),
    ("support-lead", "技术支持主管", "tech-support"),
    ("marketing-specialist", "市场推广专员", "marketing"),
    ("hr-specialist", "人事专员", "hr"),
    ("accountant", "会计", "finance"),
    ("security-engineer", "安全工程师", "security"),
    ("general-manager", "总经理", "management"),
    ("internal-auditor", "内审专员", "management"),
]

# username, full name, department, position, role, grade, manager username
DEMO_ACCOUNTS = [
    ("executive", "周明远", "management", "general-manager", "executive", "M5", None),
    ("admin", "高建国", "tech-support", "sysadmin", "system_admin", "P6", "dept_head"),
    ("ops_manager", "林晓雯", "operations", "ops-manager", "operations_manager", "M3", "executive"),
    ("operator", "陈思远", "operations", "ops-specialist", "operator", "P3", "ops_manager"),
    ("reviewer", "王雨桐", "content-review", "content-reviewer", "content_reviewer", "P3", "ops_manager"),
    ("support", "赵子涵", "tech-support", "support-engineer", "tech_support", "P4", "dept_head"),
    ("marketing", "孙佳怡", "marketing", "marketing-specialist", "marketing", "P3", "executive"),
    ("hr", "李静", "hr", "hr-specialist", "hr_officer", "P4", "executive"),
    ("finance", "吴海燕", "finance", "accountant", "finance_officer", "P4", "executive"),
    ("security", "郑凯", "security", "security-engineer", "security_officer", "P5", "executive"),
    ("dept_head", "黄志强", "tech-support", "support-lead", "department_head", "M2", "executive"),
    ("auditor", "何雪", "management", "internal-auditor", "auditor", "P5", "executive"),
]

COLLEAGUES = [
    ("liu.yang", "刘洋", "operations", "ops-specialist", "operator", "P2", "ops_manager"),
    ("xu.na", "徐娜", "operations", "ops-specialist", "operator", "P3", "ops_manager"),
    ("ma.lin", "马琳", "content-review", "content-reviewer", "content_reviewer", "P2", "ops_manager"),
    ("zhu.hao", "朱浩", "content-review", "content-reviewer", "content_reviewer", "P3", "ops_manager"),
    ("hu.jun", "胡军", "tech-support", "support-engineer", "tech_support", "P3", "dept_head"),
    ("guo.ting", "郭婷", "tech-support", "support-engineer", "tech_support", "P2", "dept_head"),
    ("luo.bin", "罗斌", "marketing", "marketing-specialist", "marketing", "P2", "marketing"),
    ("liang.qian", "梁倩", "hr", "hr-specialist", "hr_officer", "P2", "hr"),
    ("song.wei", "宋伟", "finance", "accountant", "finance_officer", "P3", "finance"),
    ("tang.li", "唐丽", "security", "security-engineer", "security_officer", "P3", "security"),
]


# Fictional personal data: region code, birth date and sequence, with a correct GB 11643 check
# digit; mobile numbers in a made-up range; personal mail at example.com (reserved for examples);
# Luhn-valid bank numbers under a made-up prefix.
DEMO_REGIONS = ("110105", "310104", "440305", "330106", "510107", "420111", "320102", "610113")


def demo_personal_data(index: int, username: str) -> dict[str, str]:
    from whitewall.core.validators import national_id_check_char

    region = DEMO_REGIONS[index % len(DEMO_REGIONS)]
    birth = datetime.date(1975, 1, 1) + datetime.timedelta(days=331 * index + 17)
    first17 = f"{region}{birth:%Y%m%d}{(37 * index) % 1000:03d}"
    bank15 = f"621700{index:09d}"
    return {
        "national_id": first17 + national_id_check_char(first17),
        "mobile": f"1390000{index:04d}",
        "personal_email": f"{username.replace('_', '.')}.home@example.com",
        "bank_account": bank15 + _luhn_digit(bank15),
    }


def _luhn_digit(partial: str) -> str:
    from whitewall.core.validators import luhn_valid

    return next(str(d) for d in range(10) if luhn_valid(partial + str(d)))


def _fill_personal_data() -> int:
    """Give demo staff without personal data some (idempotent: filled rows are left alone)."""
    rows = DEMO_ACCOUNTS + COLLEAGUES
    done = 0
    for index, (username, *_rest) in enumerate(rows, start=1):
        profile = StaffProfile.objects.filter(user__username=username).first()
        if profile is None or profile.national_id:
            continue
        for name, value in demo_personal_data(index, username).items():
            setattr(profile, name, value)
        profile.full_clean()
        profile.save()
        done += 1
    return done


def seed_organisation() -> str:
    if StaffProfile.objects.filter(user__username="admin").exists():
        filled = _fill_personal_data()
        return f"already present; personal data for {filled} staff" if filled else "already present"
    password = demo_password()
    departments = {d.code: d for d in Department.objects.all()}
    positions = {}
    for code, name, department in POSITIONS:
        positions[code], _ = Position.objects.get_or_create(
            code=code, defaults={"name": name, "department": departments.get(department)}
        )
    roles = {g.name: g for g in Group.objects.all()}
    users: dict[str, User] = {}
    rows = DEMO_ACCOUNTS + COLLEAGUES
    for index, (username, full_name, department, position, role, grade, _manager) in enumerate(rows, start=1):
        user = User.objects.create_user(
            username=username,
            email=f"{username.replace('_', '.')}@whitewall.example",
            password=password,
            full_name=full_name,
            is_staff=True,
            is_superuser=username == "admin",
        )
        user.groups.add(roles[role])
        users[username] = user
        StaffProfile.objects.create(
            user=user,
            employee_no=f"WW{index:04d}",
            department=departments[department],
            position=positions[position],
            grade=grade,
            hire_date=datetime.date(2019, 3, 1) + datetime.timedelta(days=97 * index),
        )
    for username, *_rest, manager in rows:
        if manager:
            StaffProfile.objects.filter(user=users[username]).update(manager=users[manager])
    heads = {
        "operations": "ops_manager",
        "tech-support": "dept_head",
        "management": "executive",
        "hr": "hr",
        "finance": "finance",
        "security": "security",
        "marketing": "marketing",
        "content-review": "ops_manager",
    }
    for code, username in heads.items():
        Department.objects.filter(code=code).update(head=users[username])
    visitor = User.objects.create_user(
        username="visitor", email="visitor@example.com", password=password, full_name="访客小白"
    )
    users["visitor"] = visitor
    _verify_emails(users.values())
    _fill_personal_data()
    return f"{len(rows)} staff in {len(departments)} departments, 1 wall user"


def _verify_emails(users) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users]
    )
