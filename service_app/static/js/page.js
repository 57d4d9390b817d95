// Behaviour every page may use, without inline script (the Content-Security-Policy allows scripts from files only):
//   <button data-print>               prints the page
//   <form data-confirm="Question?">   asks before submitting
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
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  }, true);
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-signout]");
    if (!form || form.dataset.cleared || !window.caches) return;
    event.preventDefault();
    form.dataset.cleared = "1";
    window.caches.delete("my-jobs-v1").catch(function () {}).then(function () { form.submit(); });
  });
})();
