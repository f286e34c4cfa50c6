// Fil rouge console: a little help on top of pages that work without it.
// - An open transcript on its latest page shows new messages as they come
//   (GET <data-live>?after=<last id>, every 5 s; the server answers list items,
//   already escaped, or 204). A 401 means the session is over: reload, the
//   login page says why. The idle clock is not reset by these requests.
// - A form with data-confirm asks before it is sent.
(function () {
  "use strict";
  var POLL_MS = 5000;

  function follow(list) {
    var url = list.getAttribute("data-live");
    var last = list.getAttribute("data-last");
    var stopped = false;
    function poll() {
      if (stopped) return;
      fetch(url + "?after=" + encodeURIComponent(last), {
        credentials: "same-origin",
        headers: { "Accept": "text/html" },
      }).then(function (response) {
        if (response.status === 401) { stopped = true; window.location.reload(); return null; }
        if (response.status !== 200) return null;
        var newest = response.headers.get("X-Last-Entry");
        return response.text().then(function (html) {
          list.insertAdjacentHTML("beforeend", html);
          if (newest) { last = newest; list.setAttribute("data-last", newest); }
        });
      }).catch(function () { /* the network is back at the next poll */ })
        .then(function () { window.setTimeout(poll, POLL_MS); });
    }
    window.setTimeout(poll, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var list = document.querySelector("ol.transcript[data-live]");
    if (list) follow(list);
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  });
})();
