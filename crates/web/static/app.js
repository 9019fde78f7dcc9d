// binhyen: small progressive enhancements; every page works without this file.
"use strict";
(function () {
  // Suggest areas while typing a home area (sign-up), from the public area search.
  var input = document.querySelector("[data-area-search]");
  if (!input || !window.fetch) return;
  var list = document.getElementById(input.getAttribute("list"));
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) return;
    timer = setTimeout(function () {
      fetch("/api/v1/areas/search?q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : { areas: [] }; })
        .then(function (body) {
          list.innerHTML = "";
          body.areas.filter(function (a) { return !a.valid_to && (a.level === "commune" || a.level === "village"); })
            .slice(0, 10).forEach(function (a) {
              var o = document.createElement("option");
              o.value = a.name;
              list.appendChild(o);
            });
        })
        .catch(function () {});
    }, 250);
  });
})();

(function () {
  // "Gửi vị trí của tôi": fills the hidden lat/lon of the tip form, only when the tipster presses the button.
  var box = document.querySelector("[data-locate]");
  if (!box || !navigator.geolocation) return;
  var button = box.querySelector("[data-locate-button]");
  var status = box.querySelector("[data-locate-status]");
  var lat = document.querySelector("[data-lat]");
  var lon = document.querySelector("[data-lon]");
  box.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      lat.value = pos.coords.latitude.toFixed(6);
      lon.value = pos.coords.longitude.toFixed(6);
      status.textContent = status.getAttribute("data-done") + " (" + lat.value + ", " + lon.value + ")";
      button.disabled = false;
    }, function () {
      status.textContent = status.getAttribute("data-failed");
      button.disabled = false;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();

(function () {
  // Live updates for officers (the inbox, a tip's page) from the Server-Sent Events of /events. Without this
  // script the pages are the same, reloaded by hand.
  var live = document.getElementById("live");
  if (!live || !window.EventSource || !window.fetch || !window.DOMParser) return;
  var tipId = live.getAttribute("data-tip-id");
  var onInbox = live.getAttribute("data-live") === "inbox";
  var alertBox = document.getElementById("live-alert");
  var statusLine = document.getElementById("live-status");
  var baseTitle = document.title;
  var KINDS = ["tip.submitted", "tip.state_changed", "tip.priority_changed", "tip.assigned", "tip.note_added",
    "tip.message_sent", "tip.tipster_message", "tip.escalated", "tip.attachment_added", "tip.unseal_requested",
    "tip.unseal_approved", "tip.identity_viewed"];
  // Urgent tips announced since the officer last said "seen", and the rows that stay highlighted meanwhile.
  var urgentCount = 0;
  var flagged = {};
  var word = function (name) { return live.getAttribute("data-" + name) || ""; };

  // Sound. Browsers let a page play only after a click or a key press; a context made or resumed then works
  // later. Everything here may fail and must never break the page.
  var audio = null;
  function audioContext() {
    if (audio) return audio;
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    try { audio = new Ctx(); } catch (e) { audio = null; }
    return audio;
  }
  function unlockAudio() {
    try {
      var a = audioContext();
      if (a && a.state === "suspended") { var p = a.resume(); if (p && p.catch) p.catch(function () {}); }
    } catch (e) { /* no sound, no harm */ }
  }
  document.addEventListener("click", unlockAudio, true);
  document.addEventListener("keydown", unlockAudio, true);
  function beep() {
    try {
      var a = audioContext();
      if (!a) return;
      if (a.state === "suspended") { var p = a.resume(); if (p && p.catch) p.catch(function () {}); }
      [0, 0.3].forEach(function (offset) {
        var t = a.currentTime + offset;
        var osc = a.createOscillator();
        var gain = a.createGain();
        osc.type = "square";
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, t);
        gain.gain.exponentialRampToValueAtTime(0.25, t + 0.01);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.2);
        osc.connect(gain);
        gain.connect(a.destination);
        osc.start(t);
        osc.stop(t + 0.22);
      });
    } catch (e) { /* autoplay refused or no audio device */ }
  }

  function showTitle() {
    document.title = urgentCount > 0 ? "(" + urgentCount + ") " + word("urgent-word") + " – " + baseTitle : baseTitle;
  }

  function markFlagged() {
    Object.keys(flagged).forEach(function (id) {
      var row = document.getElementById("tip-" + id);
      if (row) row.classList.add("fresh");
    });
  }

  // The banner: "Có tin báo KHẨN mới: Tin báo số 12 [Đã xem]". An urgent one is not replaced by a plain one.
  function announce(data, urgent) {
    if (!urgent && alertBox.classList.contains("urgent") && !alertBox.hidden) return;
    alertBox.textContent = "";
    alertBox.className = urgent ? "live-alert urgent" : "live-alert";
    var what = document.createElement("strong");
    what.textContent = word(urgent ? "new-urgent" : "new-tip") + ": ";
    alertBox.appendChild(what);
    var link = document.createElement("a");
    link.href = "/inbox/" + encodeURIComponent(data.tip_id);
    link.id = "live-alert-link";
    link.textContent = word("tip-no") + " " + data.tip_id;
    alertBox.appendChild(link);
    var seen = document.createElement("button");
    seen.type = "button";
    seen.className = "secondary";
    seen.id = "live-seen";
    seen.textContent = word("seen");
    seen.addEventListener("click", function () {
      alertBox.hidden = true;
      urgentCount = 0;
      flagged = {};
      document.querySelectorAll("li.fresh").forEach(function (row) { row.classList.remove("fresh"); });
      showTitle();
    });
    alertBox.appendChild(seen);
    alertBox.hidden = false;
  }

  // One line under the heading with a way to reload: when the page cannot follow by itself.
  function offerReload(text) {
    statusLine.textContent = text + " ";
    var again = document.createElement("a");
    again.href = location.href;
    again.id = "live-reload";
    again.textContent = word("reload");
    statusLine.appendChild(again);
    statusLine.hidden = false;
  }

  // A part being used (focused, typed into, a form opened) is not swapped under the officer's hands.
  function busy(el) {
    var active = document.activeElement;
    if (active && active !== document.body && el.contains(active)) return true;
    if (el.querySelector("details[open]")) return true;
    var fields = el.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.type === "hidden" || f.type === "submit") continue;
      if (f.type === "checkbox" || f.type === "radio") {
        if (f.checked !== f.defaultChecked) return true;
      } else if (f.tagName === "SELECT") {
        for (var j = 0; j < f.options.length; j++) {
          if (f.options[j].selected !== f.options[j].defaultSelected) return true;
        }
      } else if (f.value !== f.defaultValue) {
        return true;
      }
    }
    return false;
  }

  // Fetches this page again and swaps the parts that changed ([data-live-part], by id).
  var refreshing = false, queued = false, timer = null;
  function refreshSoon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 200);
  }
  function refresh() {
    if (refreshing) { queued = true; return; }
    refreshing = true;
    fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var held = false;
        document.querySelectorAll("[data-live-part]").forEach(function (el) {
          var fresh = el.id && doc.getElementById(el.id);
          if (!fresh || fresh.outerHTML === el.outerHTML) return;
          if (el.getAttribute("data-live-part") === "guarded" && busy(el)) { held = true; return; }
          el.replaceWith(document.importNode(fresh, true));
        });
        markFlagged();
        if (held) offerReload(word("updated"));
      })
      .catch(function () { offerReload(onInbox ? word("new-tip") + "." : word("updated")); })
      .then(function () {
        refreshing = false;
        if (queued) { queued = false; refresh(); }
      });
  }

  function onEvent(e) {
    var data;
    try { data = JSON.parse(e.data); } catch (x) { return; }
    var kind = data.kind || e.type;
    var urgent = data.priority === "urgent" &&
      (kind === "tip.submitted" || kind === "tip.priority_changed" || kind === "tip.escalated");
    if (urgent) {
      urgentCount += 1;
      flagged[data.tip_id] = true;
      showTitle();
      announce(data, true);
      beep();
    } else if (onInbox && kind === "tip.submitted") {
      announce(data, false);
    }
    if (onInbox || String(data.tip_id) === tipId) refreshSoon();
    markFlagged();
  }

  // The browser reconnects by itself after a drop, sending Last-Event-ID, and is replayed what it missed. A
  // feed that was refused or closed for good is opened again later; what happened meanwhile is fetched.
  var source = null, retry = null, offline = null, missed = false;
  function connect() {
    live.setAttribute("data-state", "connecting");
    source = new EventSource("/events");
    source.addEventListener("open", function () {
      live.setAttribute("data-state", "open");
      clearTimeout(offline);
      if (statusLine.getAttribute("data-offline") === "1") { statusLine.hidden = true; statusLine.removeAttribute("data-offline"); }
      if (missed) { missed = false; refreshSoon(); }
    });
    source.addEventListener("error", function () {
      var closed = source.readyState === EventSource.CLOSED;
      live.setAttribute("data-state", closed ? "closed" : "connecting");
      clearTimeout(offline);
      offline = setTimeout(function () {
        statusLine.textContent = word("offline");
        statusLine.setAttribute("data-offline", "1");
        statusLine.hidden = false;
      }, 3000);
      if (closed) {
        source = null;
        missed = true;
        clearTimeout(retry);
        retry = setTimeout(connect, 15000);
      }
    });
    KINDS.forEach(function (k) { source.addEventListener(k, onEvent); });
    // Too far behind to be replayed: what the page shows may be stale.
    source.addEventListener("resync", function () { location.reload(); });
  }
  window.addEventListener("pagehide", function () {
    clearTimeout(retry);
    if (source) { source.close(); source = null; }
  });
  window.addEventListener("pageshow", function (e) {
    if (e.persisted && !source) { missed = true; connect(); }
  });
  connect();
})();

(function () {
  // While a question is typed, the guides that may already answer it (the public guide search, at that unit).
  var box = document.querySelector("[data-guide-suggest]");
  var panel = document.getElementById("guide-suggestions");
  if (!box || !panel || !window.fetch) return;
  var list = panel.querySelector("ul");
  var unit = box.getAttribute("data-guide-suggest");
  var timer = null;
  box.addEventListener("input", function () {
    clearTimeout(timer);
    var q = box.value.trim();
    if (q.length < 4) return;
    timer = setTimeout(function () {
      fetch("/api/v1/guides?unit=" + encodeURIComponent(unit) + "&q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (guides) {
          list.innerHTML = "";
          guides.slice(0, 5).forEach(function (g) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = "/guides/" + g.id;
            a.textContent = g.title;
            a.target = "_blank";
            li.appendChild(a);
            list.appendChild(li);
          });
          panel.hidden = guides.length === 0;
        })
        .catch(function () {});
    }, 300);
  });
})();

(function () {
  // An officer's canned reply fills the reply box, to be edited before sending.
  var select = document.querySelector("[data-canned-for]");
  if (!select) return;
  var target = document.getElementById(select.getAttribute("data-canned-for"));
  select.addEventListener("change", function () {
    if (select.value) target.value = select.value;
  });
})();
