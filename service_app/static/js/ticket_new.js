/* The ticket entry page: the customer is found as the agent types (phone, name or a unit's serial, through
 * GET /api/v1/customers/search), choosing one fills the customer id and, when they own one unit, its serial; the
 * serial's warranty status (GET /api/v1/warranty/<serial>) shows at once. Everything stays keyboard-usable:
 * Tab reaches the found customers, Enter or Space chooses one. */
(function () {
  "use strict";
  var form = document.getElementById("ticket-form");
  var msg = JSON.parse(form.dataset.msg);
  var q = document.getElementById("customer-q");
  var hits = document.getElementById("customer-hits");
  var chosen = document.getElementById("customer-chosen");
  var cid = document.getElementById("customer-id");
  var serial = document.getElementById("serial");
  var band = document.getElementById("warranty-band");
  var timer = null, asked = "";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function choose(c) {
    cid.value = c.id;
    hits.textContent = "";
    chosen.hidden = false;
    chosen.textContent = msg.chosen + " " + c.name + (c.phone ? " · " + c.phone : "") +
      (c.address ? " · " + c.address : "");
    (c.units || []).forEach(function (u) {
      var b = el("button", "unit", u.serial + " " + u.model);
      b.type = "button";
      b.addEventListener("click", function () { serial.value = u.serial; check(); });
      chosen.appendChild(b);
    });
    if (c.units && c.units.length === 1 && !serial.value) { serial.value = c.units[0].serial; check(); }
    document.getElementById("new-customer").disabled = true;
  }

  function show(list) {
    hits.textContent = "";
    if (!list.length) { hits.appendChild(el("p", "muted", msg.none)); return; }
    list.forEach(function (c) {
      var b = el("button", "hit", c.name + (c.phone ? " · " + c.phone : "") +
        (c.units.length ? " · " + c.units.map(function (u) { return u.serial; }).join(", ") : ""));
      b.type = "button";
      b.addEventListener("click", function () { choose(c); serial.focus(); });
      hits.appendChild(b);
    });
  }

  function search() {
    var text = q.value.trim();
    if (text === asked) return;
    asked = text;
    cid.value = "";
    chosen.hidden = true;
    document.getElementById("new-customer").disabled = false;
    if (text.length < 2 && /^[\x00-\x7f]*$/.test(text)) { hits.textContent = ""; return; }
    fetch("/api/v1/customers/search?q=" + encodeURIComponent(text),
          {credentials: "same-origin", headers: {"Accept-Language": document.documentElement.lang}})
      .then(function (r) { return r.ok ? r.json() : {customers: []}; })
      .then(function (j) { if (q.value.trim() === text) show(j.customers); })
      .catch(function () { hits.textContent = ""; });
  }

  function check() {
    var s = serial.value.trim();
    if (!s) { band.hidden = true; return; }
    fetch("/api/v1/warranty/" + encodeURIComponent(s),
          {credentials: "same-origin", headers: {"Accept-Language": document.documentElement.lang}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (serial.value.trim() !== s) return;
        band.hidden = false;
        band.className = "wband " + (j ? j.status : "unknown");
        band.dataset.status = j ? j.status : "unknown";
        band.textContent = j ? (msg.status[j.status] || j.status) + " · " + j.model : msg.unknown_unit;
      })
      .catch(function () { band.hidden = true; });
  }

  q.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 250); });
  q.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); clearTimeout(timer); search(); }  // Enter searches, never submits
  });
  serial.addEventListener("change", check);
  serial.addEventListener("blur", check);
  if (serial.value) check();
  q.focus();
})();
