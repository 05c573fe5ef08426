// Small enhancements; every page works without them.
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { zone = null; }
  if (zone) {
    // Remember the visitor's zone so the server renders times in it from the next page on.
    if (document.cookie.indexOf("tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }
    var format = new Intl.DateTimeFormat(undefined, {
      day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
    });
    document.querySelectorAll("time[data-localise]").forEach(function (element) {
      var when = new Date(element.getAttribute("datetime"));
      if (!isNaN(when.getTime())) { element.textContent = format.format(when); }
    });
    document.querySelectorAll("[data-zone-name]").forEach(function (element) {
      element.textContent = zone + " (your time zone)";
    });
    // A page that does not know the visitor's zone yet shows times in the detected one.
    document.querySelectorAll("select[data-detect-zone]").forEach(function (select) {
      var known = Array.prototype.some.call(select.options, function (option) { return option.value === zone; });
      if (known && select.value !== zone) {
        select.value = zone;
        select.form.submit();
      }
    });
  }
  // A page showing work in progress (a plan being solved) reloads itself until it is done.
  document.querySelectorAll("[data-reload-after]").forEach(function (element) {
    var seconds = parseFloat(element.getAttribute("data-reload-after")) || 2;
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  document.querySelectorAll("input[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      var form = box.closest("form");
      form.querySelectorAll("input[type=checkbox][name=ids]").forEach(function (item) { item.checked = box.checked; });
    });
  });
  // A scorecard saves itself as its author types (after a pause, and when the tab is hidden or
  // closed), so that nothing typed is lost. The server keeps the draft for its author only.
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var status = form.querySelector("[data-autosave-status]");
    var timer = null, dirty = false;
    function say(text) { if (status) { status.textContent = text; } }
    function draft() {
      var data = new URLSearchParams(new FormData(form));
      data.set("intent", "draft");
      return data;
    }
    function save() {
      timer = null;
      if (!dirty) { return; }
      dirty = false;
      fetch(form.action, { method: "POST", body: draft(), headers: { "X-Cohort-Autosave": "1" }, credentials: "same-origin" })
        .then(function (response) {
          return response.json().then(function (answer) {
            if (response.ok) { say(answer.message + "."); } else { dirty = true; say("Not saved: " + answer.message); }
          });
        })
        .catch(function () { dirty = true; say("Not saved: the connection dropped. Your text stays here and saves when you type again."); });
    }
    form.addEventListener("input", function () {
      dirty = true;
      say("Saving when you pause…");
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(save, 1200);
    });
    // A closing tab cannot wait for an answer: the draft goes as a beacon, which the browser
    // delivers after the page is gone.
    function flush() {
      if (!dirty) { return; }
      dirty = false;
      var sent = navigator.sendBeacon && navigator.sendBeacon(form.action, new Blob([draft().toString()], { type: "application/x-www-form-urlencoded" }));
      if (!sent) { dirty = true; save(); }
    }
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") { flush(); } });
    window.addEventListener("pagehide", flush);
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (button && button.hasAttribute("data-confirm-submit") && !window.confirm(button.getAttribute("data-confirm-submit"))) {
        event.preventDefault();
        return;
      }
      dirty = false;
      if (timer) { window.clearTimeout(timer); timer = null; }
    });
  });
})();
