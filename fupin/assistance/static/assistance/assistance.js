/* Assistance pages: location for visits, photo count, measure detail fields, coverage bars.
   Loaded as a file (no inline script: CSP). Everything degrades to plain forms without JS. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function visitForm(form) {
    var button = form.querySelector("[data-locate]");
    var status = form.querySelector("[data-locate-status]");
    var lat = form.querySelector("input[name=latitude]");
    var lon = form.querySelector("input[name=longitude]");
    if (button && navigator.geolocation && lat && lon) {
      button.hidden = false;
      button.addEventListener("click", function () {
        status.textContent = button.getAttribute("data-wait") || "…";
        navigator.geolocation.getCurrentPosition(function (pos) {
          lat.value = pos.coords.latitude.toFixed(6);
          lon.value = pos.coords.longitude.toFixed(6);
          status.textContent = "✔ " + lat.value + ", " + lon.value;
        }, function (err) {
          status.textContent = "✖ " + (err && err.message ? err.message : "");
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
    }
    var photos = form.querySelector("input[type=file]");
    var count = form.querySelector("[data-photo-count]");
    if (photos && count) {
      photos.addEventListener("change", function () {
        if (photos.files && photos.files.length) count.textContent = "✔ " + photos.files.length;
      });
    }
  }

  function measureForm(form) {
    var data = document.getElementById("measure-kinds");
    var select = form.querySelector("select[name=item]");
    if (!data || !select) return;
    var kinds = JSON.parse(data.textContent);
    function update() {
      var kind = kinds[select.value] || "";
      form.querySelectorAll("fieldset[data-kind]").forEach(function (fs) {
        var show = fs.getAttribute("data-kind").split(" ").indexOf(kind) >= 0;
        // Keep a section with errors visible whatever the item, so the message is seen.
        fs.hidden = !show && !fs.querySelector(".error");
      });
      form.querySelectorAll("[data-kind-note]").forEach(function (el) {
        el.hidden = el.getAttribute("data-kind-note") !== kind;
      });
    }
    select.addEventListener("change", update);
    update();
  }

  ready(function () {
    document.querySelectorAll("form[data-visit-form]").forEach(visitForm);
    document.querySelectorAll("form[data-measure-form]").forEach(measureForm);
    document.querySelectorAll(".bar-fill[data-pct]").forEach(function (el) {
      el.style.width = Math.max(0, Math.min(100, parseFloat(el.getAttribute("data-pct")) || 0)) + "%";
    });
  });
})();
