import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from whitewall.config.policy import DEFAULT_POLICY_PATH
from whitewall.core.testing import login


@pytest.mark.django_db
def test_policy_page_shows_every_section_with_its_values():
    user = get_user_model().objects.create_user(username="s", email="s@example.com", is_staff=True)
    client = Client()
    login(client, user)
    content = client.get("/console/policy/").content.decode()
    for section in ("auth", "audit", "approvals", "notifications", "jobs", "regulation", "api"):
        assert f'id="policy-{section}"' in content
    assert "lockout_failures" in content
    assert "finance.reimbursement" in content


def test_policy_check_command_exit_codes(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[auth]\nlockout_failures = 0\n", encoding="utf-8")
    ok = subprocess.run(
        [sys.executable, "-m", "whitewall", "policy", "check", str(DEFAULT_POLICY_PATH)],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    failed = subprocess.run(
        [sys.executable, "-m", "whitewall", "policy", "check", str(bad)], capture_output=True, text=True
    )
    assert failed.returncode == 1
    assert "auth.lockout_failures = 0" in failed.stderr
