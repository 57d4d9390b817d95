/* Order entry on the keyboard alone.
 *
 * Dealer field: type, ↑/↓ to choose a suggestion, Enter takes it and moves to the part field. Part field: type a
 * number, a Chinese name or pinyin initials (or scan a code), ↑/↓ and Enter take a suggestion (a discontinued part's
 * successor is taken instead of it) and move to the quantity; Enter there adds the line and comes back to the part
 * field. Enter on an empty part field goes on to the channel. Lines are hidden inputs the form posts; the server
 * prices and checks everything again. */
(function () {
  "use strict";
  var form = document.getElementById("order-form");
  if (!form) return;
  var msg = JSON.parse(form.dataset.msg);
  var maxLines = parseInt(form.dataset.maxLines, 10);
  var dealer = document.getElementById("dealer");
  var dealerList = document.getElementById("dealer-list");
  var dealerInfo = document.getElementById("dealer-info");
  var part = document.getElementById("part-input");
  var partList = document.getElementById("part-list");
  var qty = document.getElementById("qty-input");
  var lineMsg = document.getElementById("line-msg");
  var tbody = document.querySelector("#lines tbody");
  var channel = document.getElementById("channel");
  var reference = document.getElementById("reference");
  var chosenPart = null;   // the suggestion taken for the part field
  var seq = 0;             // answers to older keystrokes are dropped

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function getJSON(url, params) {
    var q = new URLSearchParams(params).toString();
    var headers = {"Accept": "application/json", "Accept-Language": document.documentElement.lang};
    return fetch(url + "?" + q, {credentials: "same-origin", headers: headers})
      .then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; });
  }

  // A suggestion list bound to one input: items are {label, detail, value, cls}; choose() gets the item.
  function Suggest(input, list, fetchItems, choose) {
    var items = [], active = -1, timer = null, inflight = null;
    function render() {
      list.textContent = "";
      items.forEach(function (it, i) {
        var li = el("li", (it.cls || "") + (i === active ? " active" : ""));
        li.setAttribute("role", "option");
        li.id = list.id + "-" + i;
        li.appendChild(el("strong", null, it.label));
        if (it.detail) li.appendChild(el("span", "detail", it.detail));
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); active = i; take(); });
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      if (active >= 0) input.setAttribute("aria-activedescendant", list.id + "-" + active);
      else input.removeAttribute("aria-activedescendant");
    }
    function close() { items = []; active = -1; render(); }
    function take() {
      var it = items[active >= 0 ? active : 0];
      close();
      choose(it || null);
    }
    // Ask now; the answer replaces the list unless a later keystroke asked again meanwhile.
    function ask(text) {
      var mine = ++seq;
      var p = fetchItems(text).then(function (got) {
        if (mine !== seq) return;
        items = got || [];
        active = items.length ? 0 : -1;
        render();
      });
      inflight = p;
      p.then(function () { if (inflight === p) inflight = null; });
      return p;
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = null;
      var text = input.value.trim();
      if (!text && input !== dealer) { ++seq; inflight = null; close(); return; }
      timer = setTimeout(function () { timer = null; ask(text); }, 80);
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" && items.length) { active = (active + 1) % items.length; render(); ev.preventDefault(); }
      else if (ev.key === "ArrowUp" && items.length) { active = (active - 1 + items.length) % items.length; render(); ev.preventDefault(); }
      else if (ev.key === "Escape") { close(); }
      else if (ev.key === "Enter") {
        ev.preventDefault();
        // A fast typist (or a scanner) may press Enter before the suggestions arrived: wait for them.
        var text = input.value.trim();
        if (timer !== null && text) { clearTimeout(timer); timer = null; ask(text).then(take); }
        else if (inflight) { inflight.then(take); }
        else { take(); }
      }
    });
    // Close after a click on a suggestion had its chance; not if the field has the focus again by then (a fast
    // typist's next answer would be wiped by the stale close).
    input.addEventListener("blur", function () {
      setTimeout(function () { if (document.activeElement !== input) close(); }, 150);
    });
  }

  // --- dealer ------------------------------------------------------------------------------------------------------
  Suggest(dealer, dealerList, function (text) {
    return getJSON(form.dataset.dealers, {q: text}).then(function (data) {
      return (data ? data.dealers : []).map(function (d) {
        return {label: d.code + " " + d.name, detail: (d.region || "") + (d.blocked ? " · " + msg.blocked : ""),
                value: d, cls: d.blocked ? "blocked" : ""};
      });
    });
  }, function (it) {
    if (it) {
      dealer.value = it.value.code;
      dealerInfo.textContent = it.label + (it.value.blocked ? " · " + msg.blocked : "");
      dealerInfo.className = it.value.blocked ? "err" : "hint";
    }
    if (dealer.value.trim()) part.focus();
  });

  // --- part ----------------------------------------------------------------------------------------------------------
  function partDetail(p) {
    var bits = [p.name, msg.available + " " + p.available, msg.price + " " + p.price];
    if (p.discontinued) bits.push(msg.discontinued);
    else if (p.available <= 0) bits.push(msg.out);
    return bits.join(" · ");
  }
  Suggest(part, partList, function (text) {
    return getJSON(form.dataset.parts, {q: text, dealer: dealer.value.trim()}).then(function (data) {
      var out = [];
      (data ? data.parts : []).forEach(function (p) {
        var own = {label: p.part_number, detail: partDetail(p), value: p, cls: p.available <= 0 ? "weak" : ""};
        var s = p.successor, succ = null;
        if (s && (p.discontinued || p.available <= 0)) {  // 替代件: offered when the old part cannot be sent
          succ = {label: "→ " + s.part_number, cls: "successor",
                  value: {part_number: s.part_number, name: s.name, price: s.price, available: s.available},
                  detail: msg.successor + " (" + p.part_number + ") · " + s.name + " · " + msg.available + " " +
                          s.available + " · " + msg.price + " " + s.price};
        }
        if (p.discontinued) { if (succ) out.push(succ); return; }
        if (succ && s.available > 0) { out.push(succ); out.push(own); }
        else { out.push(own); if (succ) out.push(succ); }
      });
      return out;
    });
  }, function (it) {
    var text = part.value.trim();
    if (!it && !text) {  // empty part field: the lines are done
      if (tbody.rows.length) channel.focus();
      return;
    }
    chosenPart = it ? it.value : {part_number: text, name: "", price: null, available: null};
    part.value = chosenPart.part_number;
    lineMsg.textContent = chosenPart.name ? chosenPart.part_number + " " + chosenPart.name : msg.none;
    qty.focus();
    qty.select();
  });

  function cents(s) { return s === null || s === undefined || s === "" ? null : Math.round(parseFloat(s) * 100); }
  function money(c) { return (c / 100).toFixed(2); }

  function renumber() {
    var net = 0;
    Array.prototype.forEach.call(tbody.rows, function (tr, i) {
      tr.cells[0].textContent = i + 1;
      var c = tr.dataset.cents;
      if (c) net += parseInt(c, 10);
    });
    document.getElementById("net").textContent = money(net);
  }

  function hidden(name, value) {
    var i = el("input"); i.type = "hidden"; i.name = name; i.value = value; return i;
  }

  function addLine(p, n) {
    var existing = Array.prototype.find.call(tbody.rows, function (tr) {
      return tr.querySelector("input[name=part_number]").value === p.part_number;
    });
    if (existing) {  // the same part typed twice: one line, quantities added (the server does the same)
      var q = existing.querySelector("input[name=qty]");
      var total = parseInt(q.value, 10) + n;
      q.value = total;
      existing.cells[3].firstChild.textContent = total;
      var unit = existing.dataset.unit;
      if (unit) { existing.dataset.cents = String(parseInt(unit, 10) * total); existing.cells[5].textContent = money(parseInt(unit, 10) * total); }
      renumber();
      return;
    }
    var tr = el("tr");
    var unitC = cents(p.price);
    if (unitC !== null) { tr.dataset.unit = String(unitC); tr.dataset.cents = String(unitC * n); }
    tr.appendChild(el("td"));
    var tdPart = el("td", null, p.part_number); tdPart.appendChild(hidden("part_number", p.part_number)); tr.appendChild(tdPart);
    tr.appendChild(el("td", null, p.name || ""));
    var tdQty = el("td", "num"); tdQty.appendChild(document.createTextNode(String(n))); tdQty.appendChild(hidden("qty", n)); tr.appendChild(tdQty);
    tr.appendChild(el("td", "num", p.price || ""));
    tr.appendChild(el("td", "num", unitC !== null ? money(unitC * n) : ""));
    var avail = p.available === null || p.available === undefined ? "" : String(p.available);
    tr.appendChild(el("td", p.available !== null && p.available < n ? "err" : "", avail));
    var td = el("td"), rm = el("button", "link remove", msg.remove); rm.type = "button"; td.appendChild(rm); tr.appendChild(td);
    tbody.appendChild(tr);
    renumber();
  }

  tbody.addEventListener("click", function (ev) {
    if (ev.target.classList.contains("remove")) { ev.target.closest("tr").remove(); renumber(); part.focus(); }
  });

  qty.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") return;
    ev.preventDefault();
    var n = parseInt(qty.value, 10);
    if (!/^\d+$/.test(qty.value.trim()) || !(n >= 1 && n <= 999999)) { lineMsg.textContent = msg.qty; lineMsg.className = "err"; return; }
    var p = chosenPart || (part.value.trim() ? {part_number: part.value.trim(), name: "", price: null, available: null} : null);
    if (!p) { part.focus(); return; }
    if (tbody.rows.length >= maxLines && !Array.prototype.some.call(tbody.rows, function (tr) {
      return tr.querySelector("input[name=part_number]").value === p.part_number; })) {
      lineMsg.textContent = msg.full; lineMsg.className = "err"; return;
    }
    addLine(p, n);
    lineMsg.textContent = msg.added + ": " + p.part_number + " × " + n;
    lineMsg.className = "hint";
    chosenPart = null;
    part.value = "";
    qty.value = "1";
    part.focus();
  });

  // Enter in the channel select goes on to the reference (a select would otherwise do nothing or submit).
  channel.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { ev.preventDefault(); reference.focus(); }
  });

  renumber();
  (dealer.value.trim() ? part : dealer).focus();
})();
