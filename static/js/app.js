/* Behaviour of every page, loaded after htmx by base.html.
   The pages run under a Content-Security-Policy without inline script or style
   (CONTENT_SECURITY_POLICY in attendance_portal/settings/base.py). */
(function () {
  "use strict";

  // A progress bar's width comes from its data-progress (per cent): set on load and on
  // every fragment htmx swaps in (the progress pages poll themselves).
  htmx.onLoad(function (root) {
    var bars = Array.prototype.slice.call(root.querySelectorAll("[data-progress]"));
    if (root.matches && root.matches("[data-progress]")) { bars.push(root); }
    bars.forEach(function (bar) {
      bar.style.width = bar.dataset.progress + "%";
    });
  });
})();
