/* The public wall's behaviour: CSRF cookie on demand, view beacon, share link.
   Pages served from the cache carry no CSRF token: the token comes from the CSRF cookie, which
   /csrf/ sets when the visitor has none yet. */
(function () {
  "use strict";

  function readCookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name.replace(/[-.]/g, "\\$&") + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : null;
  }
  function csrfToken() {
    return readCookie(document.body.getAttribute("data-csrf-cookie") || "whitewall_csrf");
  }
  var pending = null;
  function ensureToken() {
    if (csrfToken() || !window.fetch) return Promise.resolve(csrfToken());
    if (!pending) {
      var meta = document.querySelector('meta[name="ww-csrf-url"]');
      pending = fetch(meta ? meta.content : "/csrf/", { credentials: "same-origin", cache: "no-store" })
        .then(function () { return csrfToken(); }, function () { return null; });
    }
    return pending;
  }
  function setToken(form, token) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "csrfmiddlewaretoken";
      form.appendChild(input);
    }
    input.value = token;
  }

  // A page with something to send fetches the cookie at once, so htmx requests find it.
  var needsToken = document.querySelector("form[method=post], form[method=POST], [data-seen-url]");
  var ready = needsToken ? ensureToken() : Promise.resolve(csrfToken());

  // POST forms carry the token from the cookie (asking for one first when there is none).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    if (form.hasAttribute("hx-post")) return;  // htmx sends it as a header
    var token = csrfToken();
    if (token) { setToken(form, token); return; }
    event.preventDefault();
    ensureToken().then(function (fresh) {
      if (fresh) setToken(form, fresh);
      form.submit();
    });
  }, true);

  // Count the view once the page is shown (the server deduplicates per visitor); the answer holds
  // the current view and like counts, shown instead of those of a page that came from the cache.
  var post = document.querySelector("[data-seen-url]");
  if (post && window.fetch) {
    // Taken now: a like sent meanwhile replaces the button (htmx), and its answer is newer than ours.
    var views = post.querySelector('[data-testid="view-count"]');
    var likes = post.querySelector('[data-testid="like-count"]');
    ready.then(function (token) {
      return fetch(post.getAttribute("data-seen-url"), {
        method: "POST",
        credentials: "same-origin",
        keepalive: true,
        headers: token ? { "X-CSRFToken": token } : {}
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (counts) {
        if (!counts) return;
        if (views && typeof counts.views === "number") views.textContent = String(counts.views);
        if (likes && likes.isConnected && typeof counts.likes === "number") likes.textContent = String(counts.likes);
      });
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
