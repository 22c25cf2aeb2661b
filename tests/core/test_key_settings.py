"""Production refuses to start without a blind index key; development generates one."""

import os
import subprocess
import sys

from cryptography.fernet import Fernet

CODE = "import whitewall.config.settings as s; print(len(s.WHITEWALL_BLIND_INDEX_KEY))"


def run(tmp_path, **env):
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("WHITEWALL_") and key not in ("DATABASE_URL", "REDIS_URL")
    }
    base.update({"WHITEWALL_DATA_DIR": str(tmp_path), **env})
    return subprocess.run([sys.executable, "-c", CODE], env=base, capture_output=True, text=True, timeout=60)


def production(**extra):
    return {
        "WHITEWALL_ENV": "production",
        "WHITEWALL_SECRET_KEY": "k" * 20 + "abcdefghijklmnopqrstuvwxyz0123456789",
        "WHITEWALL_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "WHITEWALL_ALLOWED_HOSTS": "wall.example.com",
        "WHITEWALL_AUDIT_KEY": "a" * 20 + "abcdefghijklmnopqrstuvwxyz0123456789",
        **extra,
    }


def test_production_requires_the_blind_index_key(tmp_path):
    result = run(tmp_path, **production())
    assert result.returncode != 0
    assert "WHITEWALL_BLIND_INDEX_KEY" in result.stderr


def test_production_refuses_a_short_blind_index_key(tmp_path):
    result = run(tmp_path, **production(WHITEWALL_BLIND_INDEX_KEY="short"))
    assert result.returncode != 0
    assert "WHITEWALL_BLIND_INDEX_KEY" in result.stderr and "short" not in result.stderr


def test_production_starts_with_the_key(tmp_path):
    result = run(tmp_path, **production(WHITEWALL_BLIND_INDEX_KEY="b" * 40))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "40"


def test_development_generates_and_keeps_one(tmp_path):
    first = run(tmp_path, WHITEWALL_ENV="development")
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "keys" / "blind_index_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    stored = key_file.read_text().strip()
    second = run(tmp_path, WHITEWALL_ENV="development")
    assert key_file.read_text().strip() == stored and second.returncode == 0
