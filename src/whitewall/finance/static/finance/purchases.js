/* Purchase request form: add item rows (the live budget check is an htmx fragment). */
(function () {
  "use strict";
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
