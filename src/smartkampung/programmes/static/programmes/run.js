// Follows a queued or running targeting run: polls its status and reloads the page when it has finished.
(function () {
  "use strict";
  var box = document.querySelector("[data-testid=run-progress]");
  if (!box) return;
  var bar = box.querySelector("progress"), status = box.querySelector("[data-testid=run-status]");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (run) {
        bar.max = run.steps_total || 1;
        bar.value = run.steps_done;
        status.textContent = run.status_label + (run.step ? " · " + run.step : "");
        if (run.status === "done" || run.status === "failed") { window.location.reload(); return; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
