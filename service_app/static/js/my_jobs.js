/* The technician's "my jobs" page: parts used are scanned or typed into the part field (Enter adds the part, a
 * second scan of the same part adds one more), a tap on a row of the van's stock adds that part, and the customer
 * signs on the canvas (kept as a PNG in the form, stored with the ticket on completion). A form is sent once. */
(function () {
  "use strict";

  function addPart(form, code) {
    code = (code || "").trim().toUpperCase();
    if (!code) return;
    var rows = form.querySelectorAll(".part-lines tbody tr");
    var empty = null;
    for (var i = 0; i < rows.length; i++) {
      var pn = rows[i].querySelector('[name="part_number"]');
      var qty = rows[i].querySelector('[name="qty"]');
      if (pn.value.trim().toUpperCase() === code) { qty.value = String((parseInt(qty.value, 10) || 0) + 1); return; }
      if (!empty && !pn.value.trim()) empty = rows[i];
    }
    if (!empty) {
      if (rows.length >= 10) return;
      empty = rows[0].cloneNode(true);
      empty.querySelectorAll("input").forEach(function (x) { x.value = ""; });
      rows[0].parentNode.appendChild(empty);
    }
    empty.querySelector('[name="part_number"]').value = code;
    empty.querySelector('[name="qty"]').value = "1";
  }

  function signature(form) {
    var canvas = form.querySelector("canvas.sig");
    var out = form.querySelector(".sig-data");
    var ctx = canvas.getContext("2d");
    var drawing = false;
    ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.strokeStyle = "#111";

    function at(e) {
      var r = canvas.getBoundingClientRect();
      return {x: (e.clientX - r.left) * canvas.width / r.width, y: (e.clientY - r.top) * canvas.height / r.height};
    }
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true; canvas.setPointerCapture(e.pointerId);
      var p = at(e); ctx.beginPath(); ctx.moveTo(p.x, p.y); e.preventDefault();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = at(e); ctx.lineTo(p.x, p.y); ctx.stroke(); e.preventDefault();
    });
    function end() { if (drawing) { drawing = false; out.value = canvas.toDataURL("image/png"); } }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    form.querySelector(".sig-clear").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); out.value = "";
    });
  }

  var forms = document.querySelectorAll("form.complete-form");
  forms.forEach(function (form) {
    var scan = form.querySelector(".part-scan");
    scan.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); addPart(form, scan.value); scan.value = ""; }
    });
    signature(form);
    form.addEventListener("submit", function (e) {
      if (form.dataset.sent) { e.preventDefault(); return; }
      form.dataset.sent = "1";
      form.querySelector(".complete-btn").disabled = true;
    });
  });
  document.querySelectorAll("form.accept-form").forEach(signature);  // the customer signs the quote too
  document.querySelectorAll("#van tr[data-part]").forEach(function (row) {
    row.addEventListener("click", function () { if (forms.length) addPart(forms[0], row.dataset.part); });
  });
})();
