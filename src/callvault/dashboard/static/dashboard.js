// CallVault dashboard: the only script the pages load (CSP: script-src 'self').
// It warns before the idle timeout and lets the user stay signed in; every page
// works without it.
"use strict";

(function () {
  const WARN_BEFORE_SECONDS = 60;
  let timer = null;

  function schedule(idleSeconds) {
    window.clearTimeout(timer);
    const delay = Math.max(idleSeconds - WARN_BEFORE_SECONDS, 5) * 1000;
    timer = window.setTimeout(showWarning, delay);
  }

  function showWarning() {
    const box = document.getElementById("idle-warning");
    if (!box) return;
    box.hidden = false;
    document.getElementById("stay-signed-in").focus();
  }

  // A signed-in request moves the session's idle clock on, and says how long it is.
  function refresh() {
    return fetch("/api/v1/auth/session", { credentials: "same-origin" }).then(function (r) {
      if (r.status === 401) {
        window.location.assign("/signin?next=" + encodeURIComponent(window.location.pathname));
        return;
      }
      return r.json().then(function (who) {
        schedule(who.idle_timeout_seconds);
      });
    });
  }

  function stay() {
    document.getElementById("idle-warning").hidden = true;
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (document.body.dataset.signedIn !== "true") return;
    const button = document.getElementById("stay-signed-in");
    if (button) button.addEventListener("click", stay);
    refresh();
  });
})();
