"""Test-only apps: small models that prove the platform services (approvals, audit, encrypted
fields) before any business module uses them. Installed only by the test settings."""

from pathlib import Path


def discover() -> list[str]:
    root = Path(__file__).parent
    return sorted(f"whitewall.testapps.{path.name}" for path in root.iterdir() if (path / "apps.py").exists())
