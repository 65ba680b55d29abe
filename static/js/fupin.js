/* fupin: the few behaviours the pages need. No inline scripts (CSP), no build step. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    // Collapsible navigation on narrow screens.
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") === "true";
        toggle.setAttribute("aria-expanded", String(!open));
        nav.classList.toggle("open", !open);
      });
    }

    // Forms that should submit as soon as a select changes (e.g. page size).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });

    // Ask before irreversible actions (closing a household, ending a member).
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        if (!window.confirm(form.getAttribute("data-confirm"))) ev.preventDefault();
      });
    });

    // Disable a submit button once pressed so a slow network cannot double-post.
    document.querySelectorAll("form[method=post]").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        if (ev.defaultPrevented) return;
        form.querySelectorAll("button[type=submit]").forEach(function (b) {
          window.setTimeout(function () { b.disabled = true; }, 0);
        });
      });
    });
  });

  // A page restored from the back/forward cache must not keep its buttons disabled.
  window.addEventListener("pageshow", function (ev) {
    if (!ev.persisted) return;
    document.querySelectorAll("button[type=submit][disabled]:not([aria-pressed])").forEach(function (b) {
      b.disabled = false;
    });
  });
})();
