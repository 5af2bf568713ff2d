/*
 * CallVault dynamic number insertion (docs/tracking.md, "Dynamic number insertion").
 *
 *   <script src="https://vault.example/dni.js" data-tenant="clinic" data-pool="web"
 *           referrerpolicy="no-referrer" async></script>
 *   <a href="tel:+12025550100" data-callvault-number>(202) 555-0100</a>
 *
 * Each element marked data-callvault-number shows a number of the pool instead (its
 * text, and its href if it is a tel: link); the same browser tab keeps its number
 * while its session lives. First-party only: it talks to the CallVault server it was
 * loaded from and nothing else.
 *
 * Sent: the page's path (never its query string or fragment), the referrer's host
 * (never its path), utm_source, utm_medium, utm_campaign, utm_term, utm_content, and
 * the click ids gclid, fbclid, msclkid. Every other query parameter is dropped here
 * (and again by the server): URLs can carry PHI.
 * Kept: one sessionStorage entry, "cv_dni" (session id, number, expiry). No cookie.
 * When it is done, <html> gets data-callvault-dni="swapped" or "unchanged".
 */
(function () {
  "use strict";
  var STORAGE_KEY = "cv_dni";
  var KEPT = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
              "gclid", "fbclid", "msclkid"];
  var script = document.currentScript;
  if (!script || !window.fetch || !window.URLSearchParams) { return; }
  var tenant = script.getAttribute("data-tenant");
  var pool = script.getAttribute("data-pool");
  if (!tenant || !pool) { return; }
  var vault = new URL(script.src).origin;

  function remembered() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || "null");
      return saved && saved.pool === pool ? saved : null;
    } catch (e) {
      return null;  // storage blocked or garbled: a new session
    }
  }

  function remember(answer) {
    try {
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify({
        pool: pool, session_id: answer.session_id, expires_at: answer.expires_at
      }));
    } catch (e) { /* storage blocked: the next page starts a new session */ }
  }

  // Within the server's limits, so that an odd value is dropped, not the whole visit.
  function printable(value, length) {
    return value.replace(/[\u0000-\u001f\u007f]/g, "").slice(0, length);
  }

  function referrerHost() {
    try {
      var host = new URL(document.referrer).hostname;
      return /^[a-z0-9.-]{1,253}$/i.test(host) ? host : undefined;  // no IPv6 literal
    } catch (e) {
      return undefined;  // no referrer
    }
  }

  function pageView() {
    var body = { pool: pool, landing_path: printable(window.location.pathname || "/", 2000) };
    var saved = remembered();
    if (saved && saved.session_id) { body.session_id = saved.session_id; }
    body.referrer_host = referrerHost();
    var query = new URLSearchParams(window.location.search);
    KEPT.forEach(function (name) {
      var value = printable(query.get(name) || "", 200);
      if (value) { body[name] = value; }
    });
    return body;
  }

  function swap(answer) {
    var marked = document.querySelectorAll("[data-callvault-number]");
    Array.prototype.forEach.call(marked, function (element) {
      element.textContent = answer.display;
      var href = element.getAttribute("href");
      if (href && href.toLowerCase().indexOf("tel:") === 0) {
        element.setAttribute("href", "tel:" + answer.number);
      }
    });
    return marked.length > 0;
  }

  function done(state) {
    document.documentElement.setAttribute("data-callvault-dni", state);
  }

  function whenReady(work) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", work);
    } else {
      work();
    }
  }

  window.fetch(vault + "/dni/sessions?tenant=" + encodeURIComponent(tenant), {
    method: "POST",
    mode: "cors",
    credentials: "omit",
    referrerPolicy: "no-referrer",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(pageView())
  }).then(function (response) {
    if (!response.ok) { throw new Error("refused"); }
    return response.json();
  }).then(function (answer) {
    remember(answer);
    whenReady(function () { done(swap(answer) ? "swapped" : "unchanged"); });
  }).catch(function () {
    whenReady(function () { done("unchanged"); });  // the page's own number stays
  });
}());
