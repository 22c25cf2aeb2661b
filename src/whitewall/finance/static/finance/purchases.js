/* Purchase request form: add item rows, and ask for the live budget check again (an htmx
   fragment) whenever the department, category, date or an item changes. */
(function () {
  "use strict";
  var timer = null;

  function recheck() {
    var target = document.getElementById("purchase-budget-check");
    if (!target || !window.htmx) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { window.htmx.trigger(target, "recheck"); }, 400);
  }

  document.addEventListener("input", function (event) {
    if (event.target.closest && event.target.closest("[data-budget-check]")) recheck();
  });
  document.addEventListener("change", function (event) {
    if (event.target.closest && event.target.closest("[data-budget-check]")) recheck();
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-item-row]");
    if (!button) return;
    var body = document.getElementById("purchase-item-rows");
    if (!body) return;
    var rows = body.querySelectorAll("tr.ww-item-row");
    if (!rows.length) return;
    var copy = rows[rows.length - 1].cloneNode(true);
    copy.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    body.appendChild(copy);
    var first = copy.querySelector("input");
    if (first) first.focus();
  });
})();
