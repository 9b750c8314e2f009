// The Markdown editor in the answer admin (progressive enhancement of markdownx's editor).
"use strict";
(function () {
    var MARKDOWNX_SCRIPT = "script[src*='markdownx/js/markdownx']";

    // Sections added with "Add another section" are copies of a form markdownx already set up:
    // mark the copy as new and run markdownx again, which sets up every editor not yet set up.
    document.addEventListener("formset:added", function (event) {
        var editors = event.target.querySelectorAll(".markdownx-editor");
        if (!editors.length) return;
        editors.forEach(function (editor) { editor.removeAttribute("data-markdownx-init"); });
        var original = document.querySelector(MARKDOWNX_SCRIPT);
        if (!original) return;
        var script = document.createElement("script");
        script.src = original.src;
        document.head.appendChild(script);
    });

    // A rejected upload: show the server's reason beside the editor instead of markdownx's "Invalid response".
    document.addEventListener("markdownx.fileUploadError", function (event) {
        var container = event.target;
        var editor = container.querySelector(".markdownx-editor");
        var response = event.detail && event.detail[0];
        var reasons = (response && response.image) || ["The upload failed."];
        // markdownx inserts "Invalid response" into the text right after this event: take it out again.
        if (editor) setTimeout(function () { editor.value = editor.value.replace("Invalid response", ""); }, 0);
        var note = container.querySelector(".markdownx-upload-error");
        if (!note) {
            note = document.createElement("p");
            note.className = "errornote markdownx-upload-error";
            note.setAttribute("role", "alert");
            container.insertBefore(note, container.firstChild);
        }
        note.textContent = reasons.join(" ");
    }, true);  // markdownx's events do not bubble: listen while they are captured
    document.addEventListener("markdownx.fileUploadEnd", function (event) {
        var note = event.target.querySelector(".markdownx-upload-error");
        if (note) note.remove();
    }, true);
})();
