"""The generic list (filters over htmx, sorting, CSV and Excel export) and the staff forms, as HR."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from ._support import CHROMIUM, CONSOLE_PATH, goto, path_of, screenshot, submit_login

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is not installed; the browser suite needs Debian's chromium", allow_module_level=True
    )


pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

STAFF = "/console/accounts/staff/"
STAFF_ADD = "/console/accounts/staff/add/"
TABLE_ROWS = '[data-testid="object-table"] tbody tr'
FILTERS = '[data-testid="filters"]'


def log_in_as_hr(open_page, base_url, password):
    page, watch = open_page()
    submit_login(page, base_url, "hr", password)
    assert path_of(page.url) == CONSOLE_PATH
    return page, watch


def column_index(page, sort_key: str) -> int:
    """Index of the column whose header sorts by ``sort_key`` (the table may start with checkboxes)."""
    index = page.locator('[data-testid="object-table"] thead th').evaluate_all(
        """(cells, key) => cells.findIndex(th => {
               const a = th.querySelector('a.ww-sort');
               return a && new URLSearchParams(a.getAttribute('href').slice(1)).get('sort')?.replace(/^-/, '') === key;
           })""",
        sort_key,
    )
    assert index >= 0, f"no sortable column {sort_key}"
    return index


def column_values(page, sort_key: str) -> list[str]:
    index = column_index(page, sort_key)
    return page.locator(TABLE_ROWS).evaluate_all(
        "(rows, i) => rows.map(r => r.cells[i] ? r.cells[i].innerText.trim() : '')", index
    )


def table_headers(page) -> list[str]:
    """Visible column headers, without the selection checkbox column."""
    return page.locator('[data-testid="object-table"] thead th:not(.ww-check)').evaluate_all(
        "cells => cells.map(th => th.innerText.trim())"
    )


def wait_for_table_swap(page, action) -> None:
    """Run ``action`` and wait for the htmx request that re-renders the table (not a page load)."""
    with page.expect_response(
        lambda r: urlsplit(r.url).path == STAFF and r.request.headers.get("hx-request") == "true"
    ) as swap:
        action()
    assert swap.value.status == 200
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def employee_numbers(**filters) -> list[str]:
    from whitewall.accounts.models import StaffProfile

    return list(
        StaffProfile.objects.filter(**filters).order_by("employee_no").values_list("employee_no", flat=True)
    )


def test_staff_list_filters_sorts_and_exports(open_page, base_url, demo):
    from whitewall.accounts.models import Department

    page, watch = log_in_as_hr(open_page, base_url, demo)
    goto(page, base_url, STAFF)
    everyone = employee_numbers()
    assert column_values(page, "employee_no") == everyone
    screenshot(page, "hr", "staff-list")
    # Marks this document: a full page load would lose it, an htmx swap keeps it.
    page.evaluate("window.__wwSameDocument = true")

    # --- filter: type in the search box of the filters form (htmx swaps the table) -------------
    search = page.locator(f"{FILTERS} input[name=q]")
    search.press_sequentially("李静")
    wait_for_table_swap(page, lambda: search.press("Enter"))
    assert column_values(page, "employee_no") == employee_numbers(user__full_name="李静") == ["WW0008"]
    assert page.evaluate("window.__wwSameDocument === true"), "filtering reloaded the whole page"
    assert parse_qs(urlsplit(page.url).query).get("q") == ["李静"], "filter not pushed to the URL"
    screenshot(page, "hr", "staff-list-filtered")

    # --- filter: a select in the form (change event) --------------------------------------------
    hr_department = Department.objects.get(code="hr")
    search.fill("")
    wait_for_table_swap(
        page, lambda: page.locator(f"{FILTERS} select[name=department]").select_option(str(hr_department.pk))
    )
    expected_hr = employee_numbers(department=hr_department)
    assert len(expected_hr) >= 2
    assert column_values(page, "employee_no") == expected_hr
    assert page.evaluate("window.__wwSameDocument === true"), "filtering reloaded the whole page"
    screenshot(page, "hr", "staff-list-by-department")
    watch.assert_clean("staff list filters")

    # --- sorting: click a column header, ascending then descending -------------------------------
    goto(page, base_url, STAFF)
    header = page.locator('[data-testid="object-table"] thead a.ww-sort[href$="sort=hire_date"]')
    header.click()
    page.wait_for_url(re.compile(r"sort=hire_date$"))
    assert page.locator('thead a.ww-sort.active[href$="sort=-hire_date"] .bi-caret-up-fill').count() == 1
    from whitewall.accounts.models import StaffProfile

    by_hire_date = list(
        StaffProfile.objects.order_by("hire_date", "pk").values_list("employee_no", flat=True)
    )
    assert column_values(page, "employee_no") == by_hire_date
    page.locator('thead a.ww-sort[href$="sort=-hire_date"]').click()
    page.wait_for_url(re.compile(r"sort=-hire_date$"))
    assert page.locator("thead a.ww-sort.active .bi-caret-down-fill").count() == 1
    descending = column_values(page, "employee_no")
    assert descending == by_hire_date[::-1] and descending != everyone
    page.locator('thead a.ww-sort[href$="sort=grade"]').click()
    page.wait_for_url(re.compile(r"sort=grade$"))
    grades = column_values(page, "grade")
    unsorted = list(StaffProfile.objects.order_by("employee_no").values_list("grade", flat=True))
    assert grades == sorted(unsorted) and grades != unsorted
    screenshot(page, "hr", "staff-list-sorted")
    watch.assert_clean("staff list sorting")

    # --- export: the filtered rows, as CSV and as Excel ------------------------------------------
    goto(page, base_url, f"{STAFF}?department={hr_department.pk}")
    headers = table_headers(page)
    assert column_values(page, "employee_no") == expected_hr
    page.locator('[data-testid="export-menu"]').click()
    screenshot(page, "hr", "staff-list-export-menu")
    page.keyboard.press("Escape")

    csv_file = download_export(page, "csv")
    assert re.fullmatch(r"staffprofile-\d{8}-\d{4}\.csv", csv_file.suggested_filename)
    raw = csv_file.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV lacks the UTF-8 BOM Excel needs for Chinese"
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == headers
    assert [row[0] for row in rows[1:]] == expected_hr
    assert "李静" in {row[1] for row in rows[1:]}

    xlsx_file = download_export(page, "xlsx")
    assert re.fullmatch(r"staffprofile-\d{8}-\d{4}\.xlsx", xlsx_file.suggested_filename)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx_file.path().read_bytes()), read_only=True).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == headers
    assert [row[0] for row in values[1:]] == expected_hr
    watch.assert_clean("staff list export")


def download_export(page, fmt: str):
    page.locator('[data-testid="export-menu"]').click()
    link = page.locator(f'a.ww-export-link[data-format="{fmt}"]')
    assert link.is_visible()
    with page.expect_download() as download:
        link.click()
    failure = download.value.failure()
    assert failure is None, f"{fmt} download failed: {failure}"
    return download.value


def test_staff_list_filters_while_typing(open_page, base_url, demo):
    page, watch = log_in_as_hr(open_page, base_url, demo)
    goto(page, base_url, STAFF)
    search = page.locator(f"{FILTERS} input[name=q]")
    with page.expect_response(
        lambda r: urlsplit(r.url).path == STAFF and r.request.headers.get("hx-request") == "true",
        timeout=3000,
    ):
        search.press_sequentially("WW0008", delay=30)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    assert column_values(page, "employee_no") == ["WW0008"]


def test_export_after_htmx_filter_exports_the_filtered_rows(open_page, base_url, demo):
    page, watch = log_in_as_hr(open_page, base_url, demo)
    goto(page, base_url, STAFF)
    search = page.locator(f"{FILTERS} input[name=q]")
    search.fill("李静")
    wait_for_table_swap(page, lambda: search.press("Enter"))
    assert column_values(page, "employee_no") == ["WW0008"]
    exported = download_export(page, "csv")
    rows = list(csv.reader(exported.path().read_bytes().decode("utf-8-sig").splitlines()))
    assert [row[0] for row in rows[1:]] == ["WW0008"]


def fill_staff_form(page, **values) -> None:
    form = page.locator('[data-testid="edit-form"]')
    for name in ("username", "full_name", "email", "employee_no", "grade", "hire_date"):
        if name in values:
            form.locator(f'[name="{name}"]').fill(values[name])
    for name in ("department", "position", "manager"):
        if name in values:
            form.locator(f'select[name="{name}"]').select_option(str(values[name]))
    for role_pk in values.get("roles", []):
        form.locator(f'input[name="roles"][value="{role_pk}"]').check()


def test_hr_adds_a_staff_member_and_sees_field_errors(open_page, base_url, demo):
    from django.contrib.auth.models import Group

    from whitewall.accounts.models import Department, Position, StaffProfile, User

    page, watch = log_in_as_hr(open_page, base_url, demo)
    goto(page, base_url, STAFF)
    page.locator('[data-testid="add-button"]').click()
    page.wait_for_url(f"**{STAFF_ADD}")
    screenshot(page, "hr", "staff-add")
    watch.assert_clean("staff add form")

    operations = Department.objects.get(code="operations")
    operator_role = Group.objects.get(name="operator")
    manager = User.objects.get(username="ops_manager")
    fill_staff_form(
        page,
        username="zhang.san",
        full_name="张三",
        email="zhang.san@whitewall.example",
        employee_no="WW0100",
        department=operations.pk,
        position=Position.objects.get(code="ops-specialist").pk,
        manager=manager.pk,
        grade="P2",
        hire_date="2025-03-03",
        roles=[operator_role.pk],
    )
    with page.expect_response(lambda r: r.request.method == "POST" and path_of(r.url) == STAFF_ADD) as post:
        page.locator('[data-testid="save"]').click()
    assert post.value.status == 302
    page.wait_for_load_state("load")

    created = StaffProfile.objects.select_related("user").get(employee_no="WW0100")
    assert created.user.username == "zhang.san" and created.user.is_staff
    assert created.department == operations and created.manager == manager and created.grade == "P2"
    assert list(created.user.groups.all()) == [operator_role]
    assert path_of(page.url) == f"{STAFF}{created.pk}/"
    success = page.locator(".ww-messages .alert-success")
    assert success.is_visible() and "WW0100" in success.inner_text()
    watch.assert_clean("staff created")

    goto(page, base_url, f"{STAFF}{created.pk}/")
    assert "张三" in page.locator("h1").inner_text()
    assert "zhang.san@whitewall.example" in page.locator("main").inner_text()
    screenshot(page, "hr", "staff-detail-created")

    # The edit form: username is fixed, other fields change.
    page.locator('[data-testid="edit-button"]').click()
    page.wait_for_url(f"**{STAFF}{created.pk}/edit/")
    assert page.locator('[data-testid="edit-form"] [name="username"]').is_disabled()
    screenshot(page, "hr", "staff-edit")
    fill_staff_form(page, grade="P3")
    page.locator('[data-testid="save"]').click()
    page.wait_for_url(f"**{STAFF}{created.pk}/")
    created.refresh_from_db()
    assert created.grade == "P3"
    watch.assert_clean("staff edited")

    # Bad input: taken username and employee number, a malformed email, no department, no role.
    count = StaffProfile.objects.count()
    goto(page, base_url, STAFF_ADD)
    fill_staff_form(
        page,
        username="operator",
        full_name="重复的人",
        email="not-an-email",
        employee_no="WW0001",
    )
    with page.expect_response(lambda r: r.request.method == "POST" and path_of(r.url) == STAFF_ADD) as post:
        page.locator('[data-testid="save"]').click()
    page.wait_for_load_state("load")
    assert post.value.status == 422, f"bad input answered HTTP {post.value.status}"
    errors = page.locator('[data-testid="edit-form"] .invalid-feedback[data-field]')
    fields_with_errors = set(errors.evaluate_all("els => els.map(e => e.dataset.field)"))
    assert {"username", "employee_no", "email", "department", "roles"} <= fields_with_errors
    for element in errors.all():
        assert element.is_visible() and element.inner_text().strip()
    assert page.locator('[data-testid="edit-form"] [name="full_name"]').input_value() == "重复的人"
    assert StaffProfile.objects.count() == count
    screenshot(page, "hr", "staff-add-errors")
    watch.assert_clean("staff add with bad input", allow_status=422)


def test_saving_a_new_staff_member_lands_on_its_page(open_page, base_url, demo):
    from django.contrib.auth.models import Group

    from whitewall.accounts.models import Department, StaffProfile

    page, watch = log_in_as_hr(open_page, base_url, demo)
    goto(page, base_url, STAFF_ADD)
    fill_staff_form(
        page,
        username="li.si",
        full_name="李四",
        email="li.si@whitewall.example",
        employee_no="WW0101",
        department=Department.objects.get(code="marketing").pk,
        roles=[Group.objects.get(name="marketing").pk],
    )
    page.locator('[data-testid="save"]').click()
    page.wait_for_load_state("load")
    created = StaffProfile.objects.get(employee_no="WW0101")
    assert path_of(page.url) == f"{STAFF}{created.pk}/"


def test_editing_a_staff_member_in_chinese_keeps_the_hire_date(open_page, base_url, demo):
    from whitewall.accounts.models import StaffProfile

    profile = StaffProfile.objects.get(employee_no="WW0001")
    hire_date = profile.hire_date
    assert hire_date is not None
    page, watch = log_in_as_hr(open_page, base_url, demo)
    goto(page, base_url, f"{STAFF}{profile.pk}/edit/")
    screenshot(page, "hr", "staff-edit-zh-hans-hire-date")
    shown = page.locator('[data-testid="edit-form"] input[name="hire_date"]').input_value()
    page.locator('[data-testid="save"]').click()
    page.wait_for_url(f"**{STAFF}{profile.pk}/")
    profile.refresh_from_db()
    assert profile.hire_date == hire_date, "saving the unchanged edit form lost the hire date"
    assert shown == hire_date.isoformat()
