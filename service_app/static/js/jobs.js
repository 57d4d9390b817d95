// The job page: asks the API for the job every second until it has finished, and shows its progress, error and
// download link. The words come from the page (data-states, data-stages), already in the reader's language.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var states = JSON.parse(box.dataset.states), stages = JSON.parse(box.dataset.stages);
  var $ = function (id) { return document.getElementById(id); };
  var FINISHED = ["done", "failed", "cancelled"];

  function show(job) {
    box.dataset.state = job.state;
    var state = $("job-state");
    state.textContent = states[job.state] || job.state;
    state.className = "state-" + job.state;
    var stage = job.progress.stage;
    $("job-stage").textContent = stage ? (stages[stage] || stage) : "";
    var bar = $("job-progress");
    if (job.progress.total) {
      bar.max = job.progress.total;
      bar.value = job.progress.done;
      $("job-count").textContent = job.progress.done + " / " + job.progress.total;
    }
    $("job-attempts").textContent = job.attempts + " / " + job.max_attempts;
    $("job-error").hidden = !job.error;
    $("job-error").textContent = job.error ? job.error.message : "";
    if (job.result) {
      $("job-download").href = job.result.url;
      $("job-filename").textContent = job.result.filename;
    }
    $("job-result").hidden = !job.result;
    $("job-rows").hidden = !job.row_errors;
    $("job-row-count").textContent = job.row_errors;
    var cancel = $("job-cancel");
    if (cancel && FINISHED.indexOf(job.state) >= 0) cancel.hidden = true;
  }

  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin",
                            headers: {"Accept": "application/json", "Accept-Language": document.documentElement.lang}})
      .then(function (r) {
        if (r.status >= 400 && r.status < 500) return "gone";  // deleted, or signed out: asking again will not help
        return r.ok ? r.json() : null;                         // a 5xx: ask again
      })
      .then(function (job) {
        if (job === "gone") return;
        if (job) show(job);
        if (!job || FINISHED.indexOf(job.state) < 0) setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 1000); });  // a lost answer: ask again
  }

  if (FINISHED.indexOf(box.dataset.state) < 0) setTimeout(poll, 1000);
})();
