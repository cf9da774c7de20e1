// The dashboard's only script: it follows a running CSV import and images being processed by
// asking the dashboard's JSON status views, and fills in what they say. Everything works without
// it after a reload.
(function () {
  "use strict";
  var POLL_MS = 700;

  function text(id, value) {
    var node = document.getElementById(id);
    if (node) { node.textContent = value === null || value === undefined ? "…" : String(value); }
  }

  function followImport(section) {
    var url = section.getAttribute("data-status-url");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          var bar = document.getElementById("import-progress");
          bar.setAttribute("aria-valuenow", state.percent);
          bar.querySelector(".bar").style.width = state.percent + "%";
          text("import-status", state.status_label);
          text("import-percent", state.percent);
          text("import-processed", state.processed_rows);
          text("import-total", state.total_rows);
          text("import-created", state.created);
          text("import-updated", state.updated);
          text("import-unchanged", state.unchanged);
          text("import-error-count", state.error_count);
          if (!state.finished) { window.setTimeout(tick, POLL_MS); return; }
          section.setAttribute("data-finished", "1");
          if (state.failure_reason) {
            var failure = document.getElementById("import-failure");
            failure.textContent = state.failure_reason;
            failure.hidden = false;
          }
          var body = document.getElementById("import-errors");
          body.textContent = "";
          (state.errors || []).forEach(function (error) {
            var row = document.createElement("tr");
            [error.row, error.field, error.message].forEach(function (value) {
              var cell = document.createElement("td");
              cell.textContent = value;
              row.appendChild(cell);
            });
            body.appendChild(row);
          });
          document.getElementById("import-errors-section").hidden = !(state.errors || []).length;
        })
        .catch(function () { window.setTimeout(tick, POLL_MS * 3); });
    }
    tick();
  }

  function followImages(list) {
    var url = list.getAttribute("data-status-url");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          var waiting = false;
          state.images.forEach(function (image) {
            var item = list.querySelector('[data-image="' + image.id + '"]');
            if (!item) { return; }
            item.setAttribute("data-status", image.status);
            item.querySelector(".image-status").textContent = image.status_label;
            if (image.thumbnail && !item.querySelector("img")) {
              var img = document.createElement("img");
              img.src = image.thumbnail;
              img.width = 160;
              img.height = 160;
              img.alt = item.getAttribute("data-alt") || "";
              var placeholder = item.querySelector(".no-image");
              item.replaceChild(img, placeholder);
            }
            if (image.status === "processing") { waiting = true; }
          });
          if (waiting) { window.setTimeout(tick, POLL_MS); }
        })
        .catch(function () { window.setTimeout(tick, POLL_MS * 3); });
    }
    tick();
  }

  var section = document.getElementById("import");
  if (section && section.getAttribute("data-finished") !== "1") { followImport(section); }
  var images = document.querySelector("ul.images[data-status-url]");
  if (images && images.querySelector('[data-status="processing"]')) { followImages(images); }
})();
