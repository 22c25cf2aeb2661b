"""Strict CSP holds: the header forbids inline code, and no template carries any."""

import re
from pathlib import Path

import pytest
from django.test import Client, override_settings

import whitewall

TEMPLATE_ROOT = Path(whitewall.__file__).parent
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=\s*[\"']", re.IGNORECASE)
HX_ON = re.compile(r"\shx-on[:-]", re.IGNORECASE)


def _templates():
    return sorted(p for p in TEMPLATE_ROOT.rglob("templates/**/*.html"))


def test_templates_exist_to_check():
    assert len(_templates()) > 20


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(TEMPLATE_ROOT)))
def test_no_inline_script_style_or_handlers(path):
    text = path.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script> (use a static file and json_script)"
    assert not EVENT_HANDLER.search(text), "inline event handler attribute"
    assert not STYLE_ATTRIBUTE.search(text), "style attribute (use a class; CSSOM from JS for widths)"
    assert not HX_ON.search(text), "hx-on needs eval"


@pytest.mark.django_db
def test_csp_header_forbids_inline_code():
    response = Client().get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["script-src"].startswith("'self'")
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_not_found_page_is_styled_and_translated():
    with override_settings(DEBUG=False):
        response = Client().get("/no-such-page/", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert 'data-testid="error-message"' in response.content.decode()


@pytest.mark.django_db
def test_server_error_page_renders_without_a_request_context():
    from whitewall.core.views.errors import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "500" in response.content.decode()


@pytest.mark.django_db
def test_health_check_reports_database_and_cache():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
