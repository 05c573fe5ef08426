// The assessment session page: the code editor, autosave, the countdown and results as they
// arrive. Without JavaScript the page still works: the textarea is the form field, and Run
// samples and Submit save the code too.
(function () {
  "use strict";
  var session = document.getElementById("session");
  var form = document.getElementById("code-form");
  if (!session || !form) { return; }
  var id = session.getAttribute("data-invitation");
  var textarea = document.getElementById("code");
  var language = document.getElementById("language");
  var status = document.getElementById("save-status");
  var view = null;
  // Integrity signals, recorded for recruiters and never acted on: pastes and leaving the page.
  function signal(kind, size) {
    var body = new URLSearchParams();
    body.set("csrf", session.getAttribute("data-csrf"));
    body.set("tab", session.getAttribute("data-tab"));
    body.set("problem", session.getAttribute("data-problem"));
    body.set("kind", kind);
    body.set("size", String(size || 0));
    fetch("/assessments/" + id + "/events", { method: "POST", body: body, credentials: "same-origin", keepalive: true })
      .catch(function () { /* a lost signal is not worth bothering the candidate about */ });
  }
  window.addEventListener("blur", function () { signal("left", 0); });
  window.addEventListener("focus", function () { signal("returned", 0); });
  if (window.CohortEditor) {
    view = window.CohortEditor.mount(textarea, {
      language: language.value,
      onPaste: function (size) { signal("paste", size); }
    });
    // The editor's scroll area can be reached with the keyboard (axe: scrollable-region-focusable).
    if (view.scrollDOM) { view.scrollDOM.tabIndex = 0; }
  }
  // Changing the language offers the new language's starter code while the editor still holds
  // the previous language's starter (or nothing); code the candidate wrote is never replaced.
  var starters = {};
  try { starters = JSON.parse(session.getAttribute("data-starters") || "{}"); } catch (e) { starters = {}; }
  var previousLanguage = language.value;
  language.addEventListener("change", function () {
    var untouched = textarea.value.trim() === "" || textarea.value === (starters[previousLanguage] || "");
    if (view) { window.CohortEditor.setLanguage(view, language.value); }
    if (untouched && starters[language.value] !== undefined) {
      if (view) { window.CohortEditor.setValue(view, starters[language.value]); }
      textarea.value = starters[language.value];
    }
    previousLanguage = language.value;
  });
  // Finishing early asks first; once confirmed, the server does not ask again.
  form.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); return; }
      var confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "confirm";
      confirmed.value = "yes";
      form.appendChild(confirmed);
    });
  });

  var saved = textarea.value + "\u0000" + language.value;
  var stopped = false;
  function stop(message) {
    stopped = true;
    status.textContent = message;
    status.className = "error";
    form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
  }
  function save() {
    var current = textarea.value + "\u0000" + language.value;
    if (stopped || current === saved) { return; }
    var body = new URLSearchParams(new FormData(form));
    body.delete("scope");
    fetch("/assessments/" + id + "/draft", { method: "POST", body: body, credentials: "same-origin", keepalive: true })
      .then(function (response) {
        if (response.status === 204) {
          saved = current;
          status.textContent = "Saved at " + new Date().toLocaleTimeString();
          status.className = "meta";
        } else {
          return response.text().then(function (text) {
            var message = text;
            try { message = JSON.parse(text).error.message; } catch (e) { /* plain text */ }
            if (response.status === 409) { stop(message); } else { status.textContent = message; }
          });
        }
      })
      .catch(function () { status.textContent = "Not saved: the connection dropped. Retrying…"; });
  }
  setInterval(save, 5000);
  window.addEventListener("beforeunload", save);

  var remaining = parseInt(session.getAttribute("data-remaining"), 10);
  var timer = document.getElementById("timer");
  var deadline = Date.now() + remaining * 1000;
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    timer.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    // The last save goes a few seconds early, so that it reaches the server in time.
    if (left === 3) { save(); }
    if (left === 0) {
      stop("Time is up. Your last saved code is being submitted.");
      setTimeout(function () { window.location.reload(); }, 3000);
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();

  // "Running your code…" goes once every result it announced has arrived.
  var waiting = document.querySelectorAll("[data-pending-submission]").length;
  function arrived() {
    waiting -= 1;
    var flash = document.querySelector("p.flash");
    if (waiting <= 0 && flash) { flash.remove(); }
  }
  document.querySelectorAll("[data-pending-submission]").forEach(function (item) {
    var submission = item.getAttribute("data-pending-submission");
    var asked = 0;
    // Often at first (a result usually arrives within a second), then less often.
    function later() { asked += 1; setTimeout(poll, asked < 100 ? 300 : 2000); }
    function poll() {
      fetch("/assessments/" + id + "/submissions/" + submission, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (result) {
          item.querySelector(".summary").textContent = result.summary;
          if (result.pending) { later(); return; }
          arrived();
          if (result.compile_output) {
            var compiler = document.createElement("pre");
            compiler.className = "report";
            compiler.textContent = result.compile_output;
            item.insertBefore(compiler, item.querySelector(".tests"));
          }
          var list = item.querySelector(".tests");
          list.textContent = "";
          result.tests.forEach(function (test) {
            var line = document.createElement("li");
            line.textContent = test.name + ": " + test.verdict + " (" + test.time + ")";
            if (test.output) {
              var details = document.createElement("details");
              var summary = document.createElement("summary");
              summary.textContent = "Your output";
              var pre = document.createElement("pre");
              pre.textContent = test.output;
              details.appendChild(summary);
              details.appendChild(pre);
              line.appendChild(details);
            }
            list.appendChild(line);
          });
        })
        .catch(function () { asked = 100; later(); });
    }
    poll();
  });
})();
