/* Karavan staff admin: a scan field for barcode scanners (keyboard wedge: the code, then Enter) and
   typed SKUs. One script for three pages:
   - receive (data-kv-scan-mode="receive"): each scan adds 1 to the line's "received" field; a code
     that is not on the delivery gets a surplus row the server checks against the seller's SKUs;
   - confirm (pick and pack): each scan confirms one unit; the step button stays disabled until
     every line is confirmed in full (the server checks the same counts again);
   - count (cycle counts): each scan adds 1 to the row's count.
   Without JavaScript the same forms work by typing the numbers. */
(function () {
  "use strict";
  function norm(code) { return (code || "").trim().toUpperCase(); }

  function setup(root) {
    var mode = root.getAttribute("data-kv-scan-mode");
    var field = root.querySelector("[data-kv-scan]");
    var message = root.querySelector("[data-kv-message]");
    var lines = Array.prototype.slice.call(root.querySelectorAll("[data-kv-codes]"));
    var gated = Array.prototype.slice.call(root.querySelectorAll("[data-kv-requires-all]"));
    var texts = JSON.parse(root.getAttribute("data-kv-texts") || "{}");

    function say(text, isError) {
      if (!message) { return; }
      message.textContent = text;
      message.className = "kv-message" + (isError ? " kv-error" : "");
    }
    function fill(template, values) {
      return (template || "").replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
    }
    function find(code) {
      for (var i = 0; i < lines.length; i++) {
        var codes = lines[i].getAttribute("data-kv-codes").split(" ").map(norm);
        if (codes.indexOf(code) !== -1) { return lines[i]; }
      }
      return null;
    }
    function flash(line) {
      lines.forEach(function (other) { other.classList.remove("kv-flash"); });
      line.classList.add("kv-flash");
      if (line.scrollIntoView) { line.scrollIntoView({ block: "nearest" }); }
    }
    function counter(line) { return line.querySelector("[data-kv-count]"); }
    function value(input) { var n = parseInt(input.value, 10); return isNaN(n) ? 0 : n; }

    function refresh() {
      var complete = lines.length > 0;
      lines.forEach(function (line) {
        var input = counter(line);
        var wanted = parseInt(line.getAttribute("data-kv-quantity") || "0", 10);
        var progress = line.querySelector("[data-kv-progress]");
        if (mode === "confirm") {
          if (progress) { progress.textContent = value(input) + " / " + wanted; }
          var done = value(input) === wanted;
          line.classList.toggle("kv-done", done);
          complete = complete && done;
        } else if (mode === "receive" && progress) {
          var expected = parseInt(line.getAttribute("data-kv-quantity") || "0", 10);
          var got = input.value === "" ? null : value(input);
          progress.textContent = got === null ? "" : (got < expected ? fill(texts.short, { n: expected - got })
            : got > expected ? fill(texts.over, { n: got - expected }) : texts.ok);
          progress.className = "kv-badge " + (got === null ? "" : got === expected ? "kv-ok" : "kv-warn");
        }
      });
      gated.forEach(function (button) { button.disabled = !complete; });
    }

    function addSurplus(code) {
      var template = root.querySelector("template[data-kv-surplus]");
      var list = root.querySelector("[data-kv-surplus-list]");
      if (!template || !list) { return null; }
      var row = template.content.firstElementChild.cloneNode(true);
      row.setAttribute("data-kv-codes", code);
      row.querySelector("[data-kv-sku]").textContent = code;
      row.querySelector("input[name=surplus_sku]").value = code;
      list.appendChild(row);
      lines.push(row);
      return row;
    }

    function scan(raw) {
      var code = norm(raw);
      if (!code) { return; }
      var line = find(code);
      if (!line && mode === "receive") {
        line = addSurplus(code);
        if (line) { say(fill(texts.surplus, { code: code }), true); }
      }
      if (!line) { say(fill(texts.unknown, { code: code }), true); return; }
      var input = counter(line);
      var wanted = parseInt(line.getAttribute("data-kv-quantity") || "0", 10);
      if (mode === "confirm" && value(input) >= wanted) {
        say(fill(texts.already, { sku: line.getAttribute("data-kv-sku") || code }), true);
        flash(line);
        return;
      }
      input.value = value(input) + 1;
      flash(line);
      refresh();
      if (!line.hasAttribute("data-kv-surplus-row")) {
        say(fill(texts.counted, { sku: line.getAttribute("data-kv-sku") || code, n: value(input), of: wanted }), false);
      }
    }

    if (field) {
      field.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          scan(field.value);
          field.value = "";
          field.focus();
        }
      });
    }
    lines.forEach(function (line) {
      var input = counter(line);
      if (input) { input.addEventListener("input", refresh); }
    });
    var addSeal = root.querySelector("[data-kv-add-seal]");
    if (addSeal) {
      addSeal.addEventListener("click", function () {
        var list = root.querySelector("[data-kv-seals]");
        var input = document.createElement("input");
        input.type = "text"; input.name = "seal"; input.maxLength = 32; input.autocomplete = "off";
        list.appendChild(input);
        input.focus();
      });
    }
    refresh();
    if (field) { field.focus(); }
    // The page says when scans count: a code entered before this point (the script is deferred)
    // would be lost, so scanner tests and kiosk checks wait for this mark.
    root.setAttribute("data-kv-ready", "");
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-kv-scan-mode]"), setup);
  });
})();
