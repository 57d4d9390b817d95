/* A page driven by one scan field (the warranty tablet page, the assessment page): keyboard input lands in the
 * field without a click, a wedge burst or Enter submits the page's form with the code, and camera.js reads codes
 * through the same entry point (window.ScanPage). */
(function () {
  "use strict";
  var input = document.getElementById("scan-input");
  var form = input.form;
  var box = document.getElementById("wl-msg");
  var root = document.querySelector("[data-msg]");
  var msg = root ? JSON.parse(root.dataset.msg) : {};
  var csrf = document.querySelector('meta[name="csrf-token"]').content;

  function show(kind, text) {
    if (!box) return;
    box.hidden = false;
    box.className = "wl-msg " + kind;
    box.textContent = text;
  }

  function onScan(code) {
    input.value = code;
    show("busy", code);
    form.submit();
  }

  Wedge.attach({input: input, onScan: onScan});
  // Keep the scan field focused unless the user chose another control (a wedge types into whatever has focus).
  input.addEventListener("blur", function () {
    setTimeout(function () {
      var a = document.activeElement;
      if (a === document.body || a === null) input.focus();
    }, 0);
  });
  window.ScanPage = {onScan: onScan, show: show, msg: msg, csrf: csrf, input: input};
  input.focus();
})();
