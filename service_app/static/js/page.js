// Behaviour every page may use, without inline script (the Content-Security-Policy allows scripts from files only):
//   <button data-print>               prints the page
//   <form data-confirm="Question?">   asks before submitting (in the page's own dialog, see Page.confirm);
//                                     data-confirm-yes / data-confirm-no name its buttons, data-confirm-title heads
//                                     it; a line break in the question starts a new paragraph
//   <button type=submit data-confirm="…">  the same, for this one submit button of a form
//   Page.confirm({title, text, yes, no}) → Promise<boolean>, for scripts (the scan page)
//   <form data-signout>               signing out first drops the tablet's offline copy of "my jobs" (the service
//                                     worker's cache), so the next user of the device is never shown this user's
//                                     jobs; the offline step queue (IndexedDB, per user) is kept
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // One modal <dialog> at a time: the browser traps the focus in it and Esc cancels. The safe answer ("no") has the
  // focus, so a stray Enter — a scanner's burst ends in one — never confirms a loss.
  function confirmDialog(opts) {
    return new Promise(function (resolve) {
      var dlg = document.createElement("dialog");
      dlg.className = "confirm";
      dlg.id = "confirm-dialog";
      dlg.setAttribute("aria-labelledby", "confirm-title");
      dlg.setAttribute("aria-describedby", "confirm-text");
      var h = document.createElement("h2");
      h.id = "confirm-title";
      h.textContent = opts.title || "";
      var body = document.createElement("div");
      body.id = "confirm-text";
      String(opts.text || "").split("\n").forEach(function (line) {
        if (!line) return;
        var p = document.createElement("p");
        p.textContent = line;
        body.appendChild(p);
      });
      var bar = document.createElement("div");
      bar.className = "confirm-buttons";
      var no = document.createElement("button");
      no.type = "button"; no.id = "confirm-no"; no.textContent = opts.no || "✕";
      var yes = document.createElement("button");
      yes.type = "button"; yes.id = "confirm-yes"; yes.className = "danger"; yes.textContent = opts.yes || "✓";
      bar.appendChild(no); bar.appendChild(yes);
      if (opts.title) dlg.appendChild(h);
      dlg.appendChild(body); dlg.appendChild(bar);
      document.body.appendChild(dlg);
      var answered = false;
      function done(ok) {
        if (answered) return;
        answered = true;
        if (dlg.open) dlg.close();
        dlg.remove();
        resolve(ok);
      }
      no.addEventListener("click", function () { done(false); });
      yes.addEventListener("click", function () { done(true); });
      dlg.addEventListener("cancel", function (e) { e.preventDefault(); done(false); });  // Esc
      dlg.addEventListener("close", function () { done(false); });
      if (dlg.showModal) dlg.showModal(); else dlg.setAttribute("open", "");
      no.focus();
    });
  }

  var confirmed = new WeakSet();
  document.addEventListener("submit", function (event) {
    var form = event.target, submitter = event.submitter || null;
    var asker = submitter && submitter.hasAttribute("data-confirm") ? submitter
      : form.hasAttribute("data-confirm") ? form : null;
    if (!asker) return;
    if (confirmed.has(form)) { confirmed.delete(form); return; }
    event.preventDefault();
    confirmDialog({text: asker.getAttribute("data-confirm"), title: asker.getAttribute("data-confirm-title"),
                   yes: asker.getAttribute("data-confirm-yes"), no: asker.getAttribute("data-confirm-no")})
      .then(function (ok) {
        if (!ok) return;
        confirmed.add(form);
        if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
      });
  }, true);

  window.Page = {confirm: confirmDialog};
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-signout]");
    if (!form || form.dataset.cleared || !window.caches) return;
    event.preventDefault();
    form.dataset.cleared = "1";
    window.caches.delete("my-jobs-v1").catch(function () {}).then(function () { form.submit(); });
  });
})();
