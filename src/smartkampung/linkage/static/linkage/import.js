// Follows an import being staged and linked in the background: polls its status, moves the bar, and
// reloads the page when the work is done (or has failed) so the rows and counts show.
(function () {
  "use strict";
  var box = document.querySelector("[data-testid=batch-progress]");
  if (!box) return;
  var bar = box.querySelector("progress"), status = box.querySelector("[data-testid=batch-status]"),
      rows = box.querySelector("[data-testid=batch-rows]");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (batch) {
        bar.value = batch.percent;
        status.textContent = batch.status_label;
        rows.textContent = batch.rows_committed.toLocaleString() + " / " + batch.rows_total.toLocaleString();
        if (batch.status === "linked" || batch.status === "failed") { window.location.reload(); return; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
