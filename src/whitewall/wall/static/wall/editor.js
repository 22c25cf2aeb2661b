/* The staff post editor: Quill on top of the form's textarea, which keeps the HTML sent to the
   server (sanitised there with nh3). Loaded as a static file: no inline script or style. */
(function () {
  "use strict";

  if (!window.Quill) return;
  document.querySelectorAll("textarea.ww-rich-source").forEach(function (source) {
    var holder = document.createElement("div");
    holder.className = "ww-rich-editor";
    holder.setAttribute("data-testid", "rich-editor");
    source.parentNode.insertBefore(holder, source);
    source.classList.add("d-none");
    var quill = new Quill(holder, {
      theme: "snow",
      bounds: holder, // keeps the link tooltip inside the editor (not over the sidebar)
      formats: ["bold", "italic", "underline", "strike", "header", "list", "blockquote", "code-block", "link"],
      modules: {
        toolbar: [
          [{ header: [2, 3, false] }],
          ["bold", "italic", "underline", "strike"],
          [{ list: "ordered" }, { list: "bullet" }],
          ["blockquote", "link"],
          ["clean"]
        ]
      }
    });
    // The header picker's labels come from the page (translated), read by Quill's CSS as data-label.
    var names = document.getElementById("editor-labels");
    if (names) {
      holder.parentNode.querySelectorAll(".ql-picker.ql-header .ql-picker-item, .ql-picker.ql-header .ql-picker-label").forEach(function (node) {
        var value = node.getAttribute("data-value");
        var label = value === "2" ? names.getAttribute("data-h2") : value === "3" ? names.getAttribute("data-h3") : names.getAttribute("data-normal");
        if (node.classList.contains("ql-picker-label")) label = names.getAttribute("data-normal");
        node.setAttribute("data-label", label);
      });
      quill.on("editor-change", function () {
        var current = holder.parentNode.querySelector(".ql-picker.ql-header .ql-picker-label");
        if (!current) return;
        var value = current.getAttribute("data-value");
        current.setAttribute("data-label", value === "2" ? names.getAttribute("data-h2") : value === "3" ? names.getAttribute("data-h3") : names.getAttribute("data-normal"));
      });
    }
    // The link tooltip's labels: Quill writes them in CSS ``content``; ours (plan.css) reads these
    // attributes instead, so they come translated from the page.
    if (names && quill.theme && quill.theme.tooltip) {
      var tooltip = quill.theme.tooltip.root;
      tooltip.setAttribute("data-ww-visit", names.getAttribute("data-visit"));
      tooltip.setAttribute("data-ww-enter-link", names.getAttribute("data-enter-link"));
      var action = tooltip.querySelector("a.ql-action");
      if (action) {
        action.setAttribute("data-ww-edit", names.getAttribute("data-edit"));
        action.setAttribute("data-ww-save", names.getAttribute("data-save"));
      }
      var remove = tooltip.querySelector("a.ql-remove");
      if (remove) remove.setAttribute("data-ww-remove", names.getAttribute("data-remove"));
      var input = tooltip.querySelector("input[type=text]");
      if (input) input.setAttribute("data-link", "https://");
    }
    if (source.value) {
      quill.clipboard.dangerouslyPasteHTML(source.value);
    }
    function sync() {
      source.value = quill.getLength() > 1 ? quill.getSemanticHTML() : "";
    }
    quill.on("text-change", sync);
    if (source.form) source.form.addEventListener("submit", sync);
  });
})();
