/* The public wall's behaviour: view beacon, share link, CSRF for pages served from cache. */
(function () {
  "use strict";

  function readCookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name.replace(/[-.]/g, "\\$&") + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : null;
  }
  function csrfToken() {
    return readCookie(document.body.getAttribute("data-csrf-cookie") || "whitewall_csrf");
  }

  // Cached pages carry no CSRF token: POST forms take it from the cookie when they are sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || (form.method || "").toLowerCase() !== "post") return;
    var token = csrfToken();
    if (!token) return;
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "csrfmiddlewaretoken";
      form.appendChild(input);
    }
    input.value = token;
  }, true);

  // Count the view once the page is shown (the server deduplicates per visitor).
  var post = document.querySelector("[data-seen-url]");
  if (post && window.fetch) {
    var token = csrfToken();
    fetch(post.getAttribute("data-seen-url"), {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: token ? { "X-CSRFToken": token } : {}
    }).catch(function () {});
  }

  // Copy the share link.
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".ww-copy");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) return;
    var done = function () {
      button.setAttribute("data-original", button.getAttribute("data-original") || button.innerHTML);
      button.textContent = button.getAttribute("data-copied") || "OK";
      window.setTimeout(function () { button.innerHTML = button.getAttribute("data-original"); }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { field.select(); document.execCommand("copy"); done(); });
    } else {
      field.select();
      document.execCommand("copy");
      done();
    }
  });
})();
