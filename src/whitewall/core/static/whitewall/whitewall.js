/* Whitewall behaviour. No inline scripts anywhere: everything the pages do lives here. */
(function () {
  "use strict";

  function readCookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name.replace(/[-.]/g, "\\$&") + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : null;
  }

  function csrfToken() {
    var cookieName = document.body.getAttribute("data-csrf-cookie") || "whitewall_csrf";
    var token = readCookie(cookieName);
    if (token) return token;
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : null;
  }

  if (window.htmx) {
    htmx.config.includeIndicatorStyles = false;
    htmx.config.allowEval = false;
    htmx.config.allowScriptTags = false;
    document.body.addEventListener("htmx:configRequest", function (event) {
      var token = csrfToken();
      if (token) event.detail.headers["X-CSRFToken"] = token;
    });
  }

  // Forms that submit as soon as a select changes (the language switch).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.classList && target.classList.contains("ww-autosubmit") && target.form) {
      // requestSubmit fires the submit event, so pages that add the CSRF token on submit (cached
      // public pages carry none) get the chance to.
      if (target.form.requestSubmit) target.form.requestSubmit(); else target.form.submit();
    }
    if (target.classList && target.classList.contains("ww-select-all")) {
      var form = target.closest("form");
      form.querySelectorAll(".ww-row-check").forEach(function (box) { box.checked = target.checked; });
    }
  });

  // Buttons that ask before acting: data-confirm="question".
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  // Export what the list shows now: after htmx filtering the page URL holds the current filters.
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".ww-export-link");
    if (!link) return;
    var params = new URLSearchParams(window.location.search);
    params.delete("page");
    params.set("export", link.getAttribute("data-format"));
    link.setAttribute("href", window.location.pathname + "?" + params.toString());
  }, true);

  // Close the search results when clicking elsewhere.
  document.addEventListener("click", function (event) {
    var results = document.getElementById("ww-search-results");
    if (results && !event.target.closest(".ww-search")) results.innerHTML = "";
  });

  // Progress bars: widths are set through the CSSOM, never through a style attribute.
  function applyProgress(root) {
    (root || document).querySelectorAll("[data-progress]").forEach(function (bar) {
      bar.style.width = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-progress")) || 0)) + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { applyProgress(document); });
  document.body.addEventListener("htmx:afterSwap", function (event) { applyProgress(event.target); });
  applyProgress(document);

  // A job's page: the status area (#ww-job-live) is polled while the job runs. Once it reports the
  // job finished, the flash message that announced the start ("... this page shows the result when
  // the job ends") is stale: remove it, so that only the final status remains.
  function clearJobStartMessages() {
    var live = document.getElementById("ww-job-live");
    if (!live || !live.querySelector("[data-job-finished]")) return;
    document.querySelectorAll(".ww-messages .alert-info").forEach(function (alert) { alert.remove(); });
    document.querySelectorAll(".ww-messages").forEach(function (box) {
      if (!box.querySelector(".alert")) box.remove();
    });
  }
  document.addEventListener("DOMContentLoaded", clearJobStartMessages);
  document.body.addEventListener("htmx:afterSwap", clearJobStartMessages);
  clearJobStartMessages();
})();
