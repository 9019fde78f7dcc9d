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
