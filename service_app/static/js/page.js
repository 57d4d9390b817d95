// Behaviour every page may use, without inline script (the Content-Security-Policy allows scripts from files only):
//   <button data-print>               prints the page
//   <form data-confirm="Question?">   asks before submitting
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
})();
