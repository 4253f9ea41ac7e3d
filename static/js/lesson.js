/* The lesson marking page (templates/journal/marking/lesson.html). */
(function () {
  "use strict";
  var list = document.getElementById("mark-list");
  if (!list) { return; }

  // A refused mark answers 422 with the row (or the header) showing why: swap it in.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function showFailure(event, message) {
    var row = event.detail.elt.closest(".mark-row");
    var slot = row ? row.querySelector(".mark-row__error") : document.querySelector(".lesson-status__error");
    if (slot) { slot.textContent = message; }
  }
  document.body.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var message = xhr.status === 403 ? list.dataset.msgForbidden : list.dataset.msgFailed;
    // 503: the database is unavailable; the server says so in words (attendance_portal/errors.py).
    if (xhr.status === 503 && (xhr.getResponseHeader("Content-Type") || "").indexOf("text/plain") === 0) {
      message = xhr.responseText;
    }
    showFailure(event, message);
  });
  document.body.addEventListener("htmx:sendError", function (event) {
    showFailure(event, list.dataset.msgOffline);
  });

  // Keyboard: 1 / 2 / 3 mark the focused row present / Н / ОП; arrows move between rows.
  list.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.target.matches("input, select, textarea")) { return; }
    var row = event.target.closest(".mark-row");
    if (!row) { return; }
    var button = row.querySelector('button[data-key="' + event.key + '"]');
    if (button) {
      event.preventDefault();
      button.focus();
      button.click();
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      var next = event.key === "ArrowDown" ? row.nextElementSibling : row.previousElementSibling;
      var key = event.target.dataset.key || "1";
      var target = next && next.querySelector('button[data-key="' + key + '"]');
      if (target) {
        event.preventDefault();
        target.focus();
      }
    }
  });
})();
