"""`whitewall serve` (the last step of `make run`) and the demo seed that precedes it.

serve supervises two children, the web server (gunicorn) and the Huey consumer: one Ctrl-C stops
both, and a crash of either stops the other and is reported.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

LEAKY_PREFIXES = ("WHITEWALL_", "DATABASE_URL", "REDIS_URL", "DJANGO_")
START_TIMEOUT = 60  # generous: a loaded CI machine starts gunicorn slowly; not a speed assertion
STOP_TIMEOUT = 20


# --- helpers ------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(data_dir: Path) -> dict[str, str]:
    """Development settings on SQLite + SqliteHuey in a data directory of the test's own."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(LEAKY_PREFIXES)}
    env["WHITEWALL_DATA_DIR"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "whitewall.config.settings"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def children_of(pid: int) -> dict[int, str]:
    """Direct children of ``pid`` (from /proc), with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        # Fields after the parenthesised command name: state, ppid, ...
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found[int(entry.name)] = cmdline
    return found


def descendants_of(pid: int) -> dict[int, str]:
    found = {}
    for child, cmdline in children_of(pid).items():
        found[child] = cmdline
        found.update(descendants_of(child))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until_gone(pids, timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = [pid for pid in pids if alive(pid)]
        if not left:
            return []
        time.sleep(0.2)
    return [pid for pid in pids if alive(pid)]


def get_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local test server
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


class Supervisor:
    """`python -m whitewall serve` in a fresh, migrated data directory."""

    def __init__(self, tmp_path: Path):
        self.data_dir = tmp_path / "data"
        self.env = server_env(self.data_dir)
        self.cwd = tmp_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.stdout = tmp_path / "serve.out"
        self.stderr = tmp_path / "serve.err"
        self.process: subprocess.Popen | None = None
        self.known: set[int] = set()

    def migrate(self) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "whitewall", "migrate", "--noinput", "-v", "0"],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr

    def start(self) -> None:
        with self.stdout.open("wb") as out, self.stderr.open("wb") as err:
            self.process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "whitewall", "serve", "--port", str(self.port), "--workers", "1"],
                cwd=self.cwd,
                env=self.env,
                stdout=out,
                stderr=err,
            )

    def output(self) -> str:
        return self.stdout.read_text(errors="replace") + self.stderr.read_text(errors="replace")

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"serve exited early:\n{self.output()}"
            self.remember()
            if get_status(self.url) == 200:
                return
            time.sleep(0.3)
        pytest.fail(f"{self.url} did not answer 200 within {START_TIMEOUT}s:\n{self.output()}")

    def remember(self) -> dict[int, str]:
        tree = descendants_of(self.process.pid)
        self.known.update(tree)
        return tree

    def children(self) -> dict[str, int]:
        """The two supervised children by role."""
        roles = {}
        for pid, cmdline in children_of(self.process.pid).items():
            if "run_huey" in cmdline:
                roles["queue"] = pid
            elif "gunicorn" in cmdline:
                roles["web"] = pid
        return roles

    def cleanup(self) -> None:
        """Never leave a server behind, whatever the test did."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        for pid in self.known:
            if alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


@pytest.fixture
def supervisor(tmp_path):
    server = Supervisor(tmp_path)
    server.migrate()
    server.start()
    try:
        yield server
    finally:
        server.cleanup()


# --- serve --------------------------------------------------------------------------------------
@pytest.mark.xdist_group("serve")
def test_serve_runs_web_and_queue_and_ctrl_c_stops_both(supervisor):
    supervisor.wait_until_serving()
    children = supervisor.children()
    assert set(children) == {"web", "queue"}, supervisor.remember()
    assert alive(children["queue"]), "the Huey consumer runs next to the web server"
    tree = supervisor.remember()
    assert len(tree) >= 3, "gunicorn's master has at least one worker"
    assert "Whitewall is running at" in supervisor.output()

    supervisor.process.send_signal(signal.SIGINT)
    try:
        code = supervisor.process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"serve did not stop within {STOP_TIMEOUT}s after Ctrl-C:\n{supervisor.output()}")
    assert code == 0, supervisor.output()
    assert "Stopped." in supervisor.output()
    assert wait_until_gone(children.values(), 5) == [], "both children stop with the supervisor"
    assert wait_until_gone(tree, 10) == [], "no gunicorn worker is left behind"
    assert get_status(supervisor.url) is None


@pytest.mark.xdist_group("serve")
def test_serve_reports_a_crashed_web_server_and_stops_the_queue(supervisor):
    supervisor.wait_until_serving()
    children = supervisor.children()
    assert set(children) == {"web", "queue"}
    tree = supervisor.remember()

    os.kill(children["web"], signal.SIGKILL)
    try:
        code = supervisor.process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"serve did not notice the crash within {STOP_TIMEOUT}s:\n{supervisor.output()}")
    assert code != 0
    assert "web process exited" in supervisor.output()
    assert wait_until_gone([children["queue"]], 5) == [], "the queue consumer is stopped too"
    assert wait_until_gone(tree, 15) == [], "nothing is left behind"


@pytest.mark.xdist_group("serve")
def test_serve_reports_a_crashed_queue_and_stops_the_web_server(supervisor):
    supervisor.wait_until_serving()
    children = supervisor.children()
    tree = supervisor.remember()

    os.kill(children["queue"], signal.SIGKILL)
    try:
        code = supervisor.process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"serve did not notice the crash within {STOP_TIMEOUT}s:\n{supervisor.output()}")
    assert code != 0
    assert "queue process exited" in supervisor.output()
    assert wait_until_gone(tree, 15) == []


# --- seed_demo ----------------------------------------------------------------------------------
DEMO_USERNAMES = {
    "admin",
    "ops_manager",
    "operator",
    "reviewer",
    "support",
    "marketing",
    "hr",
    "finance",
    "security",
    "dept_head",
    "executive",
    "auditor",
    "visitor",
}


def organisation_counts() -> dict[str, int]:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    from whitewall.accounts.models import Department, ObjectPermission, Position, StaffProfile, User

    return {
        "users": User.objects.count(),
        "departments": Department.objects.count(),
        "positions": Position.objects.count(),
        "staff": StaffProfile.objects.count(),
        "emails": EmailAddress.objects.count(),
        "roles": Group.objects.count(),
        "permissions": ObjectPermission.objects.count(),
        "memberships": User.groups.through.objects.count(),
    }


@pytest.mark.django_db
def test_seed_demo_is_idempotent(capsys):
    from whitewall.accounts.models import StaffProfile, User

    call_command("seed_demo")
    first_output = capsys.readouterr().out
    assert "Demo data ready" in first_output
    first = organisation_counts()
    assert first["users"] > len(DEMO_USERNAMES)
    # Every staff account has a staff profile; wall users (the visitor and the wall's demo users) have none.
    assert first["staff"] == User.objects.filter(is_staff=True).count()
    assert User.objects.filter(is_staff=False).count() == first["users"] - first["staff"] > 0
    assert first["departments"] > 0 and first["positions"] > 0
    assert set(User.objects.values_list("username", flat=True)) >= DEMO_USERNAMES
    assert not StaffProfile.objects.filter(user__username="visitor").exists()

    call_command("seed_demo")
    second_output = capsys.readouterr().out
    assert "nothing changed" in second_output
    assert "Demo data ready" not in second_output
    assert organisation_counts() == first


def clear_this_workers_cache() -> None:
    """Forget allauth's per-address login counters left by earlier tests (they persist on Redis)."""
    from django.conf import settings
    from django.core.cache import cache

    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=cache.make_key("*")):
            client.delete(key)
    else:
        cache.clear()


@pytest.mark.django_db
def test_seed_demo_accounts_can_log_in_with_the_demo_password(client, monkeypatch):
    monkeypatch.setenv("WHITEWALL_DEMO_PASSWORD", "Demo-Password-2026")
    clear_this_workers_cache()
    call_command("seed_demo")
    response = client.post("/accounts/login/", {"login": "operator", "password": "Demo-Password-2026"})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_seed_demo_leaves_an_existing_database_alone(capsys):
    from whitewall.accounts.models import User

    User.objects.create_user("founder", "founder@example.com", "Founder-Password-1")
    before = organisation_counts()
    call_command("seed_demo")
    assert "nothing changed" in capsys.readouterr().out
    assert organisation_counts() == before
