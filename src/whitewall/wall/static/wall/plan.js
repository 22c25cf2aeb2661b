/* Publishing plan: drag an item to another day to move it (keeps its time of day).
   The server checks the slot rules; the CSRF token comes from the cookie. No inline script. */
(function () {
  "use strict";

  var calendar = document.querySelector(".ww-plan");
  if (!calendar || calendar.getAttribute("data-can-move") !== "1") return;
  var messagesNode = document.getElementById("plan-move-messages");
  var texts = messagesNode ? JSON.parse(messagesNode.textContent) : { failed: "Not moved:" };
  var box = document.getElementById("plan-message");
  var dragged = null;

  function readCookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name.replace(/[-.]/g, "\\$&") + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : null;
  }

  function csrfToken() {
    var cookieName = document.body.getAttribute("data-csrf-cookie") || "whitewall_csrf";
    return readCookie(cookieName) || "";
  }

  function showError(lines) {
    if (!box) return;
    box.textContent = texts.failed + " " + lines.join(" ");
    box.classList.remove("d-none");
  }

  calendar.addEventListener("dragstart", function (event) {
    var entry = event.target.closest && event.target.closest("[data-move-url]");
    if (!entry) return;
    dragged = entry;
    entry.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", entry.getAttribute("data-move-url"));
  });

  calendar.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    calendar.querySelectorAll(".is-drop-target").forEach(function (node) { node.classList.remove("is-drop-target"); });
  });

  calendar.addEventListener("dragover", function (event) {
    var day = event.target.closest && event.target.closest("[data-day]");
    if (!day || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    calendar.querySelectorAll(".is-drop-target").forEach(function (node) {
      if (node !== day) node.classList.remove("is-drop-target");
    });
    day.classList.add("is-drop-target");
  });

  calendar.addEventListener("drop", function (event) {
    var day = event.target.closest && event.target.closest("[data-day]");
    if (!day || !dragged) return;
    event.preventDefault();
    day.classList.remove("is-drop-target");
    var entry = dragged;
    var url = entry.getAttribute("data-move-url");
    var body = new URLSearchParams();
    body.set("day", day.getAttribute("data-day"));
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": csrfToken()
      },
      body: body.toString()
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (result.ok && result.data.ok) {
        var origin = entry.parentNode;
        day.appendChild(entry);
        entry.classList.add("is-moved");
        var time = entry.querySelector(".ww-plan-time");
        if (time && result.data.slot) time.textContent = result.data.slot.slice(11);
        if (box) box.classList.add("d-none");
        if (origin) origin.classList.remove("is-drop-target");
      } else {
        showError(result.data.errors || []);
      }
    }).catch(function () {
      showError([]);
    });
  });
})();
