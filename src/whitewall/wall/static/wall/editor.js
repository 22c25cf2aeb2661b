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
