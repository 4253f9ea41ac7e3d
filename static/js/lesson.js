/* The lesson marking page (templates/journal/marking/lesson.html).

   Every tap on a row becomes an entry with its own key, kept on the phone (localStorage)
   until the server has answered it: a tap made without a connection waits there («Не
   отправлено: N») and is sent when the connection returns, without reloading the page.
   The server stores a key at most once (journal.services.marks.set_mark_once), so an entry
   sent again after a lost answer changes nothing. Entries go one at a time, in the order
   of the taps; a later tap on the same student replaces the one still waiting. */
(function () {
  "use strict";
  var list = document.getElementById("mark-list");
  if (!list) { return; }

  var STORE = "attendance-portal.pending-marks.v1";
  var RETRY_FIRST_MS = 2000;
  var RETRY_MAX_MS = 30000;
  var user = list.dataset.user || "";
  var lesson = list.dataset.lesson || "";
  var counter = document.getElementById("pending-marks");
  var memory = []; // when localStorage is unavailable (a private window, a full quota)
  var inFlight = null; // the key of the entry being sent
  var retryTimer = null;
  var retryDelay = RETRY_FIRST_MS;

  // A refused mark answers 422 with the row (or the header) showing why: swap it in.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function showFailure(row, message) {
    var slot = row ? row.querySelector(".mark-row__error") : document.querySelector(".lesson-status__error");
    if (slot) { slot.textContent = message; }
  }
  function failureMessage(status, contentType, text) {
    // 503: the database is unavailable; the server says so in words (attendance_portal/errors.py).
    if (status === 503 && (contentType || "").indexOf("text/plain") === 0) { return text; }
    return status === 403 ? list.dataset.msgForbidden : list.dataset.msgFailed;
  }
  // The confirmation button («Все остальные присутствуют») still goes through htmx.
  document.body.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    showFailure(event.detail.elt.closest(".mark-row"),
      failureMessage(xhr.status, xhr.getResponseHeader("Content-Type"), xhr.responseText));
  });
  document.body.addEventListener("htmx:sendError", function (event) {
    showFailure(event.detail.elt.closest(".mark-row"), list.dataset.msgOffline);
  });

  // ---- The entries kept on the phone ----

  function readAll() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(STORE) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch (error) {
      return memory.slice();
    }
  }
  function writeAll(entries) {
    memory = entries.slice();
    try {
      window.localStorage.setItem(STORE, JSON.stringify(entries));
    } catch (error) { /* kept in memory for as long as the page is open */ }
  }
  function mine(entries) {
    return entries.filter(function (entry) { return entry.user === user; });
  }
  function removeEntry(key) {
    writeAll(readAll().filter(function (entry) { return entry.key !== key; }));
  }

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // a version 4 UUID
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function enqueue(entry) {
    // A tap not sent yet for the same student is replaced: only the last one counts.
    var entries = readAll().filter(function (other) {
      return other.key === inFlight || !(other.user === entry.user && other.url === entry.url && other.student === entry.student);
    });
    entries.push(entry);
    writeAll(entries);
  }

  // ---- What the page shows ----

  var COLOURS = { present: "success", absent: "danger", late: "warning" };

  function showButtons(row, kind) {
    Array.prototype.forEach.call(row.querySelectorAll(".mark-buttons button[name=kind]"), function (button) {
      var colour = COLOURS[button.value];
      var pressed = button.value === kind;
      button.classList.toggle("btn-" + colour, pressed);
      button.classList.toggle("btn-outline-" + colour, !pressed);
      button.setAttribute("aria-pressed", pressed ? "true" : "false");
    });
  }

  function rowOf(student) {
    return document.getElementById("student-" + student);
  }

  function showPending(row, entry) {
    var hint = row.querySelector(".mark-row__pending");
    row.classList.toggle("mark-row--pending", Boolean(entry));
    if (hint) { hint.hidden = !entry; }
    if (entry) {
      row.dataset.pending = entry.kind;
      showButtons(row, entry.kind);
    } else {
      delete row.dataset.pending;
      showButtons(row, row.dataset.state);
    }
  }

  function render() {
    var entries = mine(readAll());
    var waiting = {};
    entries.forEach(function (entry) {
      if (entry.lesson === lesson) { waiting[entry.student] = entry; }
    });
    Array.prototype.forEach.call(list.querySelectorAll(".mark-row[id^='student-']"), function (row) {
      var student = row.id.slice("student-".length);
      if (waiting[student] || row.dataset.pending) { showPending(row, waiting[student] || null); }
    });
    if (counter) {
      document.getElementById("pending-count").textContent = String(entries.length);
      counter.hidden = entries.length === 0;
    }
  }

  // ---- Sending ----

  function csrfToken() {
    var meta = document.querySelector("meta[name=csrf-token]");
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return meta ? meta.content : (input ? input.value : "");
  }

  function retryLater() {
    if (retryTimer) { return; }
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      send();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  }

  function answered(entry) {
    removeEntry(entry.key);
    inFlight = null;
    retryDelay = RETRY_FIRST_MS;
  }

  function handle(entry, response, text) {
    var login = document.body.dataset.loginUrl;
    if (login && response.url && new URL(response.url, window.location.href).pathname === login) {
      // The session has ended: the entry stays on the phone and goes after signing in.
      inFlight = null;
      var here = window.location.pathname + window.location.search;
      window.location.assign(login + "?next=" + encodeURIComponent(here));
      return false;
    }
    var row = entry.lesson === lesson ? rowOf(entry.student) : null;
    if (response.status === 200 || response.status === 422) {
      answered(entry);
      if (row) { htmx.swap(row, text, { swapStyle: "outerHTML" }); }
      return true;
    }
    if (response.status >= 500 || response.status === 429) {
      // The server could not store it now: the entry waits and is sent again with its key.
      inFlight = null;
      if (row) { showFailure(row, failureMessage(response.status, response.headers.get("Content-Type"), text)); }
      retryLater();
      return false;
    }
    // Refused for good (403: no right to mark, 404: the lesson is gone): not sent again.
    answered(entry);
    if (row) {
      showPending(row, null);
      showFailure(row, failureMessage(response.status, "", ""));
    }
    return true;
  }

  function send() {
    if (inFlight) { return; }
    var entry = mine(readAll())[0];
    render();
    if (!entry) { return; }
    inFlight = entry.key;
    var body = new URLSearchParams();
    body.set("csrfmiddlewaretoken", csrfToken());
    body.set("student", entry.student);
    body.set("kind", entry.kind);
    if (entry.minutes) { body.set("minutes_late", entry.minutes); }
    body.set("client_key", entry.key);
    window.fetch(entry.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "HX-Request": "true", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      return response.text().then(function (text) {
        if (handle(entry, response, text)) { send(); } else { render(); }
      });
    }, function () {
      // No connection, or the answer was lost: the entry waits with its key.
      inFlight = null;
      render();
      retryLater();
    });
  }

  list.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-offline-mark]");
    if (!form) { return; }
    event.preventDefault();
    var submitter = event.submitter;
    var kind = submitter && submitter.name === "kind" ? submitter.value : (form.elements.kind ? form.elements.kind.value : "");
    var minutes = form.elements.minutes_late ? form.elements.minutes_late.value.trim() : "";
    var row = form.closest(".mark-row");
    showFailure(row, "");
    enqueue({
      key: newKey(),
      user: user,
      lesson: lesson,
      url: form.getAttribute("action"),
      student: form.elements.student.value,
      kind: kind,
      minutes: kind === "late" ? minutes : "",
      at: new Date().toISOString()
    });
    render();
    send();
  });

  window.addEventListener("online", function () {
    if (retryTimer) { window.clearTimeout(retryTimer); retryTimer = null; }
    retryDelay = RETRY_FIRST_MS;
    send();
  });
  // Another tab of the same phone sent or added entries.
  window.addEventListener("storage", function (event) {
    if (event.key === STORE) { render(); }
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

  // Entries left from an earlier visit (the phone was offline, the session ended) go now.
  send();
})();
