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

  // Idle logout: after the delay without a touch or a key, the session is
  // ended through the "J'ai fini" form. Every touch or key press starts the
  // delay again; while the person is busy, the page tells the server now and
  // then (POST /kiosk/alive) so that its idle clock agrees. Without
  // JavaScript, <meta http-equiv="refresh"> in <noscript> does the logout.
  var idle = parseInt(document.body.getAttribute("data-idle") || "0", 10);
  if (idle > 0) {
    var timer = 0;
    var told = Date.now();  // loading this page reset the server's clock
    var aliveEvery = Math.min(30, idle / 3) * 1000;

    var logOut = function () {
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
    };

    var tellServer = function () {
      var csrf = document.querySelector("#logout input[name=csrf]");
      if (!csrf || !window.fetch || sent) {
        return;
      }
      told = Date.now();
      window.fetch("/kiosk/alive", {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/x-www-form-urlencoded"},
        body: "csrf=" + encodeURIComponent(csrf.value)
      }).then(function (response) {
        if (response.status === 401) {
          window.location.replace("/kiosk/chat");  // the session is over
        }
      }, function () { /* offline for a moment: the next key tries again */ });
    };

    var restart = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(logOut, idle * 1000);
      if (Date.now() - told >= aliveEvery) {
        tellServer();
      }
    };

    ["keydown", "input", "pointerdown", "touchstart"].forEach(function (name) {
      document.addEventListener(name, restart, {capture: true, passive: true});
    });
    restart();
  }

  // Something new for the person (a reminder) while the page is open: every few
  // seconds the page asks (GET /kiosk/news, reading only) and, unless the person
  // is writing, reloads itself. Without JavaScript it shows at the next page.
  var last = document.body.getAttribute("data-last");
  if (last !== null && window.fetch) {
    var field = document.getElementById("text");
    window.setInterval(function () {
      if (sent || (field && (field.value || document.activeElement === field))) {
        return;
      }
      window.fetch("/kiosk/news?after=" + encodeURIComponent(last), {credentials: "same-origin"})
        .then(function (response) {
          if (response.status === 401) {
            window.location.replace("/kiosk/chat");  // the session is over: the page says why
          } else if (response.status === 200 && !sent) {
            window.location.reload();
          }
        }, function () { /* offline for a moment: asked again later */ });
    }, 5000);
  }

  // 🔊: each <audio> becomes one big button that plays it, and stops it when
  // pressed again; one sound at a time.
  var playing = null;
  Array.prototype.forEach.call(document.querySelectorAll(".speak"), function (box) {
    var audio = box.querySelector("audio");
    if (!audio) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "speak-button";
    button.setAttribute("aria-label", audio.getAttribute("aria-label") || "");
    button.title = audio.title;
    var icon = box.querySelector(".speak-icon");
    if (icon) {
      button.appendChild(icon);  // the loudspeaker moves into the button
    }
    audio.controls = false;
    audio.hidden = true;
    box.insertBefore(button, audio);
    button.addEventListener("click", function () {
      if (playing === audio && !audio.paused) {
        audio.pause();
        return;
      }
      if (playing && playing !== audio) {
        playing.pause();
      }
      playing = audio;
      audio.currentTime = 0;
      audio.play().catch(function () { box.classList.add("failed"); });
    });
    audio.addEventListener("play", function () { box.classList.add("playing"); });
    audio.addEventListener("pause", function () { box.classList.remove("playing"); });
    audio.addEventListener("ended", function () { box.classList.remove("playing"); });
    audio.addEventListener("error", function () { box.classList.add("failed"); });
  });
})();

// The Print button of a document page (the CV); without JavaScript the
// browser's own print command does the same.
(function () {
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();
