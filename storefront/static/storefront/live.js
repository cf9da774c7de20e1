/* Live updates of a livestream page: the pinned product, the offers' remaining quantities and the
   stream's status, from the server-sent events at data-events (streamed under ASGI; under WSGI the
   same URL answers by polling and EventSource reconnects by itself). No framework, no build. */
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root || !window.EventSource) { return; }
  var lang = document.documentElement.lang || "en";

  function money(value) {
    if (!value) { return "—"; }
    var amount = Number(value.amount);
    try {
      return new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount) + "\u00a0" + value.currency;
    } catch (e) {
      return value.amount + "\u00a0" + value.currency;
    }
  }

  function onPinned(data) {
    var box = document.getElementById("pinned");
    document.getElementById("pinned-title").textContent = data.title;
    document.getElementById("pinned-price").textContent = money(data.live_price || data.price);
    document.getElementById("pinned-link").setAttribute("href", "/products/" + data.product + "/");
    box.hidden = false;
    document.getElementById("pinned-none").hidden = true;
    box.setAttribute("data-sku", data.sku);
  }

  function onOffer(data) {
    var row = root.querySelector('[data-offer="' + data.offer + '"]');
    if (!row) { return; }
    row.querySelector(".remaining-count").textContent = String(data.remaining);
    var button = row.querySelector("button");
    if (button) { button.disabled = data.remaining <= 0; }
  }

  function onStatus(data) {
    var badge = document.getElementById("stream-status");
    badge.className = "badge badge-" + data.status;
    badge.textContent = badge.getAttribute("data-" + data.status) || data.status;
    if (data.status === "ended") {
      root.querySelectorAll(".offers button").forEach(function (b) { b.disabled = true; });
    }
  }

  var source = new EventSource(root.getAttribute("data-events"));
  function listen(type, handler) {
    source.addEventListener(type, function (event) {
      try { handler(JSON.parse(event.data)); } catch (e) { /* a malformed event changes nothing */ }
    });
  }
  listen("pinned", onPinned);
  listen("offer", onOffer);
  listen("status", onStatus);
  listen("reset", function () { window.location.reload(); });
})();
