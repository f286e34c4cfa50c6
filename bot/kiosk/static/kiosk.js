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

  // The login page renews its form before the form's token expires (unless the
  // person is typing their code: then it waits until they stop).
  var renew = parseInt(document.body.getAttribute("data-renew") || "0", 10);
  if (renew > 0) {
    var renewTimer = 0;
    var renewLater = function () {
      window.clearTimeout(renewTimer);
      renewTimer = window.setTimeout(function () { window.location.replace("/kiosk"); }, renew * 1000);
    };
    document.addEventListener("input", renewLater, true);
    renewLater();
  }

  var csrfValue = function () {
    var csrf = document.querySelector("#logout input[name=csrf]");
    return csrf ? csrf.value : "";
  };

  // Idle logout: after the delay without a touch or a key, the session is
  // ended through the "J'ai fini" form. `data-warn` seconds before, a dialog
  // asks "Vous êtes encore là ?"; "Je suis là" (or any touch) keeps the
  // session. While the person is busy, the page tells the server now and then
  // (POST /kiosk/alive) so that its idle clock agrees. Without JavaScript,
  // <meta http-equiv="refresh"> in <noscript> goes to the warning page.
  var idle = parseInt(document.body.getAttribute("data-idle") || "0", 10);
  var warn = parseInt(document.body.getAttribute("data-warn") || "0", 10);
  var dialog = document.getElementById("still-there");
  if (idle > 0) {
    var timer = 0;
    var warnTimer = 0;
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
      sent = true;
      form.submit();
    };

    var tellServer = function () {
      var csrf = csrfValue();
      if (!csrf || !window.fetch || sent) {
        return;
      }
      told = Date.now();
      window.fetch("/kiosk/alive", {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/x-www-form-urlencoded"},
        body: "csrf=" + encodeURIComponent(csrf)
      }).then(function (response) {
        if (response.status === 401) {
          window.location.replace("/kiosk/chat");  // the session is over
        }
      }, function () { /* offline for a moment: the next key tries again */ });
    };

    var showWarning = function () {
      if (dialog && !dialog.open && dialog.showModal) {
        dialog.showModal();
      }
    };

    var restart = function () {
      window.clearTimeout(timer);
      window.clearTimeout(warnTimer);
      timer = window.setTimeout(logOut, idle * 1000);
      if (dialog && warn > 0 && warn < idle) {
        warnTimer = window.setTimeout(showWarning, (idle - warn) * 1000);
      }
      if (Date.now() - told >= aliveEvery) {
        tellServer();
      }
    };

    if (dialog) {
      // "Je suis là": the session goes on, on this very page (nothing typed is lost).
      dialog.querySelector("form").addEventListener("submit", function (event) {
        event.preventDefault();
        event.stopPropagation();
        told = 0;  // tell the server now
        dialog.close();
        restart();
      }, true);
    }

    ["keydown", "input", "pointerdown", "touchstart"].forEach(function (name) {
      document.addEventListener(name, function (event) {
        if (dialog && dialog.open && !dialog.contains(event.target)) {
          dialog.close();
        }
        if (!dialog || !dialog.open) {
          restart();
        }
      }, {capture: true, passive: true});
    });
    restart();
  }

  // The length of a message as it is typed: never cut, said when too long.
  var field = document.getElementById("text");
  var count = document.getElementById("count");
  if (field && count) {
    var max = parseInt(field.getAttribute("data-max") || "0", 10);
    var over = count.getAttribute("data-over") || "";
    var format = function (n) {
      return n.toLocaleString(document.documentElement.lang || "fr");
    };
    var show = function () {
      var length = field.value.replace(/\r\n/g, "\n").trim().length;
      if (!max || length === 0) {
        count.hidden = true;
        return;
      }
      count.hidden = false;
      var tooLong = length > max;
      count.classList.toggle("over", tooLong);
      count.textContent = (tooLong ? over + " : " : "") + format(length) + " / " + format(max);
    };
    field.addEventListener("input", show);
    show();
  }

  // Something new for the person (a reminder) while the page is open: every few
  // seconds the page asks (GET /kiosk/news, reading only) and, unless the person
  // is writing, reloads itself. Without JavaScript it shows at the next page.
  var last = document.body.getAttribute("data-last");
  if (last !== null && window.fetch) {
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

  // 🔊: each <audio> becomes one button, with the loudspeaker and "Écouter",
  // that plays it, and stops it when pressed again; one sound at a time.
  var playing = null;
  var speakers = [];
  Array.prototype.forEach.call(document.querySelectorAll(".speak"), function (box) {
    var audio = box.querySelector("audio");
    if (!audio) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "speak-button";
    button.setAttribute("aria-label", audio.getAttribute("aria-label") || "");
    var icon = box.querySelector(".speak-icon");
    if (icon) {
      button.appendChild(icon);  // the loudspeaker moves into the button
    }
    var word = document.createElement("span");
    word.textContent = audio.getAttribute("data-label") || "";
    word.setAttribute("aria-hidden", "true");
    button.appendChild(word);
    audio.controls = false;
    audio.hidden = true;
    box.insertBefore(button, audio);
    var play = function () {
      if (playing && playing !== audio) {
        playing.pause();
      }
      playing = audio;
      audio.currentTime = 0;
      return audio.play().catch(function () { box.classList.add("failed"); });
    };
    button.addEventListener("click", function () {
      if (playing === audio && !audio.paused) {
        audio.pause();
        return;
      }
      play();
    });
    audio.addEventListener("play", function () { box.classList.add("playing"); });
    audio.addEventListener("pause", function () { box.classList.remove("playing"); });
    audio.addEventListener("ended", function () { box.classList.remove("playing"); });
    audio.addEventListener("error", function () { box.classList.add("failed"); });
    if (box.getAttribute("data-autoplay")) {
      speakers.push({audio: audio, play: play});
    }
  });

  // "Lire à voix haute" on: the new messages, then the question with its
  // answers, one after the other, as the page opens.
  if (document.documentElement.getAttribute("data-voice") === "on" && speakers.length) {
    var next = 0;
    var playNext = function () {
      if (next >= speakers.length) {
        return;
      }
      var speaker = speakers[next];
      next += 1;
      speaker.audio.addEventListener("ended", playNext, {once: true});
      speaker.audio.addEventListener("error", playNext, {once: true});
      speaker.play();
    };
    playNext();
  }
})();

// The Print button of a document page (the CV); without JavaScript the
// browser's own print command does the same.
(function () {
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();
