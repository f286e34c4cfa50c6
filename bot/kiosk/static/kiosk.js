/* Fil rouge kiosk: small additions to pages that work without them.
   Loaded as a file (the Content-Security-Policy forbids inline script). */
(function () {
  "use strict";

  // A page brought back by the back button from the browser's memory is
  // reloaded: the server decides what may be shown (after logout, nothing).
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      window.location.reload();
    }
  });

  // One answer per page: a second tap while the first is sent is ignored
  // (the server ignores it too, by the page's message id).
  var sent = false;
  document.addEventListener("submit", function (event) {
    if (sent) {
      event.preventDefault();
      return;
    }
    sent = true;
    document.body.classList.add("sending");
  });

  // Idle logout: after the delay the session is ended through the
  // "J'ai fini" form. Without JavaScript, <meta http-equiv="refresh"> does it.
  var idle = parseInt(document.body.getAttribute("data-idle") || "0", 10);
  if (idle > 0) {
    window.setTimeout(function () {
      var form = document.getElementById("logout");
      if (!form) {
        window.location.replace("/kiosk/logout?idle=1");
        return;
      }
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = "idle";
      field.value = "1";
      form.appendChild(field);
      form.submit();
    }, idle * 1000);
  }
})();
