/* Behaviour of every page, loaded after htmx by base.html.
   The pages run under a Content-Security-Policy without inline script or style
   (CONTENT_SECURITY_POLICY in attendance_portal/settings/base.py). */
(function () {
  "use strict";

  // A session that has ended (SESSION_IDLE_MINUTES without a request) answers an htmx
  // request with the sign-in page: open it whole, to come back to this page after signing
  // in, instead of swapping it into a row or a fragment.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var login = document.body.dataset.loginUrl;
    var answered = event.detail.xhr.responseURL;
    if (!login || !answered || new URL(answered, window.location.href).pathname !== login) {
      return;
    }
    event.detail.shouldSwap = false;
    var here = window.location.pathname + window.location.search;
    window.location.assign(login + "?next=" + encodeURIComponent(here));
  });

  // The class day's call form is loaded when its <details> is first opened
  // (templates/casework/_class_day_contacts.html). When that fails (no connection, an
  // error), say so in the form's place and load it again at the next opening.
  function callFormFailed(event) {
    var details = event.detail.elt;
    if (!details || !details.matches || !details.matches("[data-call-details]")) { return; }
    var slot = details.querySelector("[data-call-form-slot]");
    var say = function (text, failed) {
      var line = document.createElement("p");
      line.className = "small mt-2 mb-0 " + (failed ? "text-danger" : "text-body-secondary");
      line.setAttribute("role", failed ? "alert" : "status");
      line.textContent = text;
      slot.replaceChildren(line);
    };
    say(slot.dataset.failed, true);
    details.addEventListener("toggle", function retry() {
      if (!details.open) { return; }
      details.removeEventListener("toggle", retry);
      say(slot.dataset.loading, false);
      htmx.ajax("GET", details.getAttribute("hx-get"), {
        source: details, target: slot, swap: "innerHTML"
      });
    });
  }
  document.body.addEventListener("htmx:responseError", callFormFailed);
  document.body.addEventListener("htmx:sendError", callFormFailed);

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
