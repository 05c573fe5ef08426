// Shows submitted code read-only in the code editor, for its highlighting and line numbers.
// Without JavaScript the plain read-only text area shows the same code.
(function () {
  "use strict";
  if (!window.CohortEditor) { return; }
  document.querySelectorAll("textarea[data-code-view]").forEach(function (textarea) {
    window.CohortEditor.mount(textarea, { language: textarea.getAttribute("data-code-view") });
  });
})();
