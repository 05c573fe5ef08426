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
})();
