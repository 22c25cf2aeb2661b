"""The policy file: business tunables an organisation adapts, validated with pydantic.

Only the sections that the running modules need are declared; each module adds its own
section here as it arrives. An invalid file stops the program with the key, the value and the
rule it broke.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_POLICY_PATH = Path(__file__).with_name("policy.default.toml")

ROLE_CODES = (
    "system_admin",
    "operations_manager",
    "operator",
    "content_reviewer",
    "tech_support",
    "marketing",
    "hr_officer",
    "finance_officer",
    "security_officer",
    "department_head",
    "executive",
    "auditor",
)


class PolicyError(Exception):
    """The policy file cannot be used; the message names key, value and rule."""


class _Section(BaseModel):
    # Strict: a TOML value of the wrong type (true for a number, "5" for 5) is an error, not a guess.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class AuthPolicy(_Section):
    mfa_required_roles: tuple[str, ...] = Field(
        strict=False, default=("security_officer", "system_admin", "finance_officer", "executive")
    )
    lockout_failures: int = Field(5, ge=1, le=100)
    lockout_minutes: int = Field(30, ge=0, le=60 * 24 * 30)
    password_min_length: int = Field(10, ge=8, le=128)
    session_minutes: int = Field(480, ge=5, le=60 * 24 * 30)
    session_expire_at_browser_close: bool = False

    @field_validator("mfa_required_roles")
    @classmethod
    def _known_roles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [code for code in value if code not in ROLE_CODES]
        if unknown:
            raise ValueError(f"unknown role code(s) {', '.join(unknown)}; known: {', '.join(ROLE_CODES)}")
        return value


class AuditPolicy(_Section):
    # How often a signed checkpoint (latest hash + count) is written.
    checkpoint_minutes: int = Field(60, ge=1, le=60 * 24)
    # Field names whose values are masked in the before/after of audit events.
    masked_fields: tuple[str, ...] = Field(
        strict=False,
        default=(
            "password",
            "national_id",
            "mobile",
            "personal_email",
            "bank_account",
            "secret",
            "token",
            "key_hash",
            "api_key",
            "secret_key",
            "private_key",
            "access_key",
        ),
    )
    # Rows above which an export of confidential data needs approval (clause 4.3.3).
    export_approval_rows: int = Field(1000, ge=1)


# --- approvals: flows per process --------------------------------------------------------------
ConditionOp = Literal["==", "!=", ">", ">=", "<", "<=", "in", "not in"]


class Condition(_Section):
    """A structured condition on a document field, e.g. amount > 5000 (never eval)."""

    field: str = Field(pattern=r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")
    op: ConditionOp
    value: int | float | str | bool | list[int | float | str]

    @model_validator(mode="after")
    def _value_fits_op(self):
        if self.op in ("in", "not in") and not isinstance(self.value, list):
            raise ValueError(f"op {self.op!r} needs a list value")
        if self.op in (">", ">=", "<", "<=") and not isinstance(self.value, int | float):
            raise ValueError(f"op {self.op!r} needs a number")
        return self


class ReviewerRule(_Section):
    """Exactly one of: a role, a relation to the document, or a username."""

    role: str | None = None
    relation: Literal["applicant_manager", "department_head", "owner"] | None = None
    user: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self):
        given = [name for name in ("role", "relation", "user") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError("name exactly one of role, relation or user")
        if self.role and self.role not in ROLE_CODES:
            raise ValueError(f"unknown role {self.role!r}; known: {', '.join(ROLE_CODES)}")
        return self


class Tier(_Section):
    name: str = Field(min_length=1, max_length=100)
    reviewers: tuple[ReviewerRule, ...] = Field(strict=False, min_length=1)
    # any = 或签 (one approval completes the tier), all = 会签, quorum = at least `quorum` approvals.
    mode: Literal["any", "all", "quorum"] = "any"
    quorum: int | None = Field(None, ge=1)
    # The tier applies only when every condition holds (empty = always).
    conditions: tuple[Condition, ...] = Field(strict=False, default=())
    # Hours a tier may wait before reminders, then escalation (0 = use the approvals defaults).
    reminder_hours: int = Field(0, ge=0)
    escalation_hours: int = Field(0, ge=0)

    @model_validator(mode="after")
    def _quorum_given(self):
        if self.mode == "quorum" and not self.quorum:
            raise ValueError("mode 'quorum' needs quorum = N")
        if self.mode != "quorum" and self.quorum:
            raise ValueError("quorum is only used with mode = 'quorum'")
        return self


class Flow(_Section):
    process: str = Field(pattern=r"^[a-z_]+\.[a-z_]+$")
    tiers: tuple[Tier, ...] = Field(strict=False, min_length=1)
    cc_roles: tuple[str, ...] = Field(strict=False, default=())


class ApprovalsPolicy(_Section):
    reminder_hours: int = Field(24, ge=1)
    escalation_hours: int = Field(72, ge=1)
    # Who receives escalations when a tier waits too long.
    escalate_to_role: str = "executive"
    flows: tuple[Flow, ...] = Field(strict=False, default=())

    @model_validator(mode="after")
    def _unique_processes(self):
        seen = set()
        for flow in self.flows:
            if flow.process in seen:
                raise ValueError(f"process {flow.process!r} is declared twice")
            seen.add(flow.process)
        if self.escalate_to_role not in ROLE_CODES:
            raise ValueError(f"unknown role {self.escalate_to_role!r}")
        return self

    def flow(self, process: str) -> Flow | None:
        return next((flow for flow in self.flows if flow.process == process), None)


class NotificationsPolicy(_Section):
    # Delivery attempts for e-mail and webhooks, and the first retry delay (doubling each time).
    max_attempts: int = Field(5, ge=1, le=20)
    retry_seconds: int = Field(60, ge=1)


class JobsPolicy(_Section):
    retries: int = Field(3, ge=0, le=20)
    retry_delay_seconds: int = Field(30, ge=1)
    # Finished job records older than this are removed.
    keep_days: int = Field(90, ge=1)


class RegulationPolicy(_Section):
    # Days between reminders to staff who have not acknowledged the current regulation version.
    acknowledgement_reminder_days: int = Field(3, ge=1)
    # How often the clause checks run (minutes) and how long snapshots are kept (days).
    check_minutes: int = Field(60, ge=5)
    snapshot_keep_days: int = Field(400, ge=30)
    # Share of active staff (percent) who must have acknowledged for 1.3.2 to be green.
    acknowledgement_target_percent: int = Field(100, ge=1, le=100)
    # Below the target, 1.3.2 is amber from this share (percent) up and red under it.
    acknowledgement_amber_percent: int = Field(50, ge=0, le=99)
    # Days within which every staff account must have been reviewed (4.1.1).
    access_review_days: int = Field(90, ge=1)
    # Median approval turnaround (hours) for 1.3.3 to be green.
    approval_turnaround_target_hours: int = Field(48, ge=1)

    @model_validator(mode="after")
    def _amber_below_target(self):
        if self.acknowledgement_amber_percent >= self.acknowledgement_target_percent:
            raise ValueError(
                f"acknowledgement_amber_percent ({self.acknowledgement_amber_percent}) must be below "
                f"acknowledgement_target_percent ({self.acknowledgement_target_percent})"
            )
        return self


class WallPolicy(_Section):
    # Submissions (2.3.2): may guests submit without an account; images per post and their size.
    guest_submissions: bool = False
    guest_comments: bool = False
    max_images: int = Field(9, ge=0, le=30)
    image_max_mb: int = Field(10, ge=1, le=100)
    # Rate limits per hour, per signed-in user and per address.
    submissions_per_hour_user: int = Field(5, ge=1)
    submissions_per_hour_ip: int = Field(20, ge=1)
    comments_per_hour_user: int = Field(30, ge=1)
    comments_per_hour_ip: int = Field(60, ge=1)
    reports_per_day_user: int = Field(20, ge=1)
    # Guest reports (no account): allowed or not, per day per guest cookie and per address, and the
    # weight of a guest's report (below the 1 of a signed-in user with no history).
    guest_reports: bool = True
    reports_per_day_guest: int = Field(5, ge=1)
    reports_per_day_ip: int = Field(30, ge=1)
    guest_report_weight: float = Field(0.5, gt=0, lt=1)
    # Reports: an item is hidden when the weighted score of its open reports reaches the threshold.
    # A reporter's weight starts at 1, rises with each upheld report and falls with each dismissed one.
    report_hide_threshold: float = Field(3.0, gt=0)
    reporter_weight_upheld_bonus: float = Field(0.5, ge=0)
    reporter_weight_dismissed_penalty: float = Field(0.25, ge=0)
    reporter_weight_min: float = Field(0.25, gt=0)
    reporter_weight_max: float = Field(3.0, gt=0)
    # Review: topics (slugs) whose posts need a second reviewer (approval process wall.second_review),
    # how long a reviewer holds an item, and the turnaround target in hours.
    second_review_topics: tuple[str, ...] = Field(strict=False, default=())
    review_lock_minutes: int = Field(15, ge=1, le=240)
    review_target_hours: int = Field(24, ge=1)
    # Response deadlines (hours) for reports and for feedback / complaints.
    report_response_hours: int = Field(24, ge=1)
    complaint_response_hours: int = Field(48, ge=1)
    # Percent of reports and complaints that must be answered within their deadline (check 2.3.2).
    response_on_time_target_percent: int = Field(95, ge=1, le=100)
    # Publishing slots: minimum gap between two posts, posts per day, publishing hours [start, end).
    slot_min_gap_minutes: int = Field(60, ge=0, le=24 * 60)
    daily_cap: int = Field(8, ge=1)
    publish_start_hour: int = Field(8, ge=0, le=23)
    publish_end_hour: int = Field(22, ge=1, le=24)
    # The publishing plan counts as filled when each of the next plan_horizon_days days has at
    # least plan_min_items_per_day planned items.
    plan_horizon_days: int = Field(14, ge=1, le=90)
    plan_min_items_per_day: int = Field(1, ge=0)
    # A second view of the same post by the same visitor within this many minutes is not counted.
    view_dedupe_minutes: int = Field(30, ge=1)

    @model_validator(mode="after")
    def _consistent(self):
        if self.publish_end_hour <= self.publish_start_hour:
            raise ValueError("publish_end_hour must be later than publish_start_hour")
        if self.reporter_weight_min > self.reporter_weight_max:
            raise ValueError("reporter_weight_min must not exceed reporter_weight_max")
        if self.reports_per_day_ip < self.reports_per_day_guest:
            raise ValueError("reports_per_day_ip must be at least reports_per_day_guest")
        return self


class ApiPolicy(_Section):
    token_max_days: int = Field(365, ge=1)
    # Requests per minute per user (anonymous: per address).
    user_rate_per_minute: int = Field(120, ge=1)
    anonymous_rate_per_minute: int = Field(30, ge=1)


# --- finance: budget control, reimbursement standards, receipts --------------------------------
ControlAction = Literal["stop", "warn", "ignore"]


class BudgetControl(_Section):
    """What happens when spending would exceed the remaining budget of a line."""

    # Against the remaining annual budget, and against the budget accumulated up to the month.
    annual: ControlAction = "stop"
    monthly: ControlAction = "warn"


class ReimbursementStandard(_Section):
    """A standard (报销标准) for one category, for some grades (empty = every grade)."""

    category: str = Field(pattern=r"^[a-z0-9_-]+$")
    grades: tuple[str, ...] = Field(strict=False, default=())
    # What may be claimed under this category (shown in the claim form).
    scope: str = ""
    # Caps in yuan (0 = no cap): one line, the lines of one day, all lines of one claim.
    per_item_cap: int | float = Field(0, ge=0)
    per_day_cap: int | float = Field(0, ge=0)
    per_claim_cap: int | float = Field(0, ge=0)


class FinancePolicy(_Section):
    # Control per budget category code; categories not listed use default_control.
    default_control: BudgetControl = BudgetControl()
    control: dict[str, BudgetControl] = Field(strict=False, default_factory=dict)
    # The role that may override a "stop", giving a reason (audited).
    override_role: str = "executive"
    # Categories whose claim lines need at least one receipt file.
    receipt_required_categories: tuple[str, ...] = Field(
        strict=False, default=("equipment", "operating", "marketing", "training", "travel")
    )
    # Largest receipt file accepted, in kilobytes; accepted types are PDF, JPEG and PNG (by content).
    receipt_max_kb: int = Field(5120, ge=10, le=102400)
    standards: tuple[ReimbursementStandard, ...] = Field(strict=False, default=())

    @model_validator(mode="after")
    def _known_role(self):
        if self.override_role not in ROLE_CODES:
            raise ValueError(f"unknown role {self.override_role!r}; known: {', '.join(ROLE_CODES)}")
        return self

    def control_for(self, category_code: str) -> BudgetControl:
        return self.control.get(category_code, self.default_control)

    def standard_for(self, category_code: str, grade: str) -> ReimbursementStandard | None:
        """The standard of a category for a grade: a grade-specific one first, then the general one."""
        general = None
        for standard in self.standards:
            if standard.category != category_code:
                continue
            if grade and grade in standard.grades:
                return standard
            if not standard.grades and general is None:
                general = standard
        return general


class CostsPolicy(_Section):
    """Cost analysis (5.3.1) and saving measures (5.3.2)."""

    # Months of actuals before a saving measure starts that make its measured baseline.
    saving_baseline_months: int = Field(3, ge=1, le=24)
    # Day of the month after which last month's cost report should be published (5.3.1 check).
    report_publish_by_day: int = Field(10, ge=1, le=28)
    # Roles told when a monthly cost report is published.
    report_notify_roles: tuple[str, ...] = Field(strict=False, default=("executive", "department_head"))

    @model_validator(mode="after")
    def _known_roles(self):
        unknown = [role for role in self.report_notify_roles if role not in ROLE_CODES]
        if unknown:
            raise ValueError(f"unknown role(s) {unknown}; known: {', '.join(ROLE_CODES)}")
        return self


class Policy(_Section):
    auth: AuthPolicy = AuthPolicy()
    audit: AuditPolicy = AuditPolicy()
    approvals: ApprovalsPolicy = ApprovalsPolicy()
    notifications: NotificationsPolicy = NotificationsPolicy()
    jobs: JobsPolicy = JobsPolicy()
    regulation: RegulationPolicy = RegulationPolicy()
    api: ApiPolicy = ApiPolicy()
    wall: WallPolicy = WallPolicy()
    finance: FinancePolicy = FinancePolicy()
    costs: CostsPolicy = CostsPolicy()


# Which clauses each section serves (shown on the console's policy page).
SECTION_CLAUSES: dict[str, tuple[str, ...]] = {
    "auth": ("4.1.1", "4.1.2"),
    "audit": ("4.2.3", "4.3.3"),
    "approvals": ("1.3.2", "1.3.3"),
    "notifications": ("1.3.3",),
    "jobs": ("2.3.4",),
    "regulation": ("1.1", "1.3.2", "1.3.3", "4.1.1"),
    "api": ("4.1.1",),
    "wall": ("1.3.1", "2.3.2"),
    "finance": ("5.1.2", "5.2.2", "5.2.3"),
    "costs": ("5.3.1", "5.3.2"),
}


def _format_error(path: Path, error: ValidationError) -> str:
    lines = [f"policy file {path} is invalid:"]
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"])
        value = item.get("input")
        lines.append(f"  {key} = {value!r}: {item['msg']}")
    return "\n".join(lines)


def load_policy(path: Path | str) -> Policy:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(f"policy file {path} does not exist (WHITEWALL_POLICY)")
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"policy file {path} is not valid TOML: {exc}")
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(_format_error(path, exc))


@lru_cache(maxsize=1)
def get_policy() -> Policy:
    """The effective policy of this process (settings.WHITEWALL_POLICY_PATH)."""
    from django.conf import settings

    return load_policy(settings.WHITEWALL_POLICY_PATH)
