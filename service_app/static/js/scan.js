/* The scan page: state (mode, bin, destination bin, receipt note), one POST per scan, audible OK/error.
 *
 * Retries are safe: every scan (and every button action) gets one Idempotency-Key, and every retry of it sends that
 * key with the same body, so the server applies it at most once and replays its first answer. A lost answer, a
 * timeout or a 5xx is retried (ATTEMPTS in all, short back-off, "retrying" shown); a 4xx is final. */
(function () {
  "use strict";
  var app = document.getElementById("scan-app");
  var api = app.dataset.api;
  var can = JSON.parse(app.dataset.can);
  var msg = JSON.parse(app.dataset.msg);
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var input = document.getElementById("scan-input");
  var qtyInput = document.getElementById("qty");
  var result = document.getElementById("result");
  var params = new URLSearchParams(location.search);
  var MAX_QTY = parseInt(app.dataset.maxQty, 10);
  var BIN_CODE = /^[NR]-[A-Z][0-9]{2}-[0-9]{2}$/i;
  // The page's state lives in this tab's sessionStorage, per user: a reload (or the browser restoring the tab) keeps
  // the mode, the bin, the open receipt note and the last scans, so one delivery stays one receipt note; a new tab
  // or another user on this browser starts clean. Nothing is sent for it: the server checks bin and note on every
  // scan anyway. The note is kept for the day it was opened only.
  var STORE_KEY = "scan.state." + app.dataset.user;
  function today() { var d = new Date(); return d.getFullYear() + "-" + (d.getMonth() + 1) + "-" + d.getDate(); }
  var saved = {};
  try { saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || "{}") || {}; } catch (e) { saved = {}; }
  var urlMode = app.dataset.startMode || params.get("mode");
  var urlStocktake = params.get("stocktake") ? parseInt(params.get("stocktake"), 10) : null;
  var state = {mode: urlMode || saved.mode || localStorage.getItem("scan.mode") || "receive",
               bin: null, to: null, binDone: false, doc: null, order: params.get("order") || saved.order || null,
               claim: null, intake: saved.intake || null, stocktake: urlStocktake || saved.stocktake || null,
               rows: Array.isArray(saved.rows) ? saved.rows.slice(0, 20) : []};
  // The bin belongs to the mode (and stocktake) it was chosen in: a link into another mode starts without one.
  if (saved.mode === state.mode && (!urlStocktake || urlStocktake === saved.stocktake)) {
    state.bin = saved.bin || null; state.to = saved.to || null; state.binDone = !!saved.binDone;
    state.claim = saved.claim || null;
  }
  if (saved.day === today()) state.doc = saved.doc || null;
  // A mode this role may not use (remembered from another user of this browser, say) falls back to the first it
  // may: a shipper starts in pick mode, a returned-parts clerk in intake.
  if (!can[state.mode]) {
    state.mode = ["receive", "issue", "transfer", "count", "pick", "intake"].filter(function (m) {
      return can[m];
    })[0] || "receive";
    state.bin = state.to = state.claim = null;
  }
  function save() {
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify({
        mode: state.mode, bin: state.bin, to: state.to, binDone: state.binDone, doc: state.doc, order: state.order,
        claim: state.claim, intake: state.intake, stocktake: state.stocktake, rows: state.rows, day: today()}));
    } catch (e) { /* storage full or off: the page still works, it just forgets on reload */ }
  }
  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (m, k) { return values[k] === undefined ? m : values[k]; });
  }
  // A scan is echoed in messages; a very long one (a QR code full of text) is shortened there, never in the post.
  function short(code) { code = String(code); return code.length > 60 ? code.slice(0, 57) + "…" : code; }
  function shorten(text, code) {  // the server's message names the code too
    code = String(code).trim();
    return code.length > 60 ? String(text).split(code).join(short(code)).split(code.toUpperCase()).join(short(code))
                            : text;
  }
  var audio = null;
  var unanswered = null;  // {sig, key}: the last scan that got no answer at all
  // Per-station settings live in this browser (a receiving bench prints labels by itself, a tablet does not).
  var station = JSON.parse(localStorage.getItem("scan.station") || "{}");
  var autoprint = document.getElementById("autoprint"), stationPrinter = document.getElementById("station-printer");
  ["prefix", "suffix", "gsSubstitute"].forEach(function (k) {
    var el = document.getElementById("wedge-" + k);
    el.value = station[k] || "";
    el.addEventListener("change", function () {
      station[k] = el.value;
      localStorage.setItem("scan.station", JSON.stringify(station));
      location.reload();  // the wedge reads its settings once
    });
  });
  if (autoprint) {
    autoprint.checked = !!station.autoprint;
    if (station.printer) stationPrinter.value = station.printer;
    station.printer = stationPrinter.value;
    [autoprint, stationPrinter].forEach(function (el) {
      el.addEventListener("change", function () {
        station.autoprint = autoprint.checked;
        station.printer = stationPrinter.value;
        localStorage.setItem("scan.station", JSON.stringify(station));
        input.focus();
      });
    });
  }

  function beep(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var o = audio.createOscillator(), g = audio.createGain();
      o.type = ok ? "sine" : "square";
      o.frequency.value = ok ? 1320 : 220;
      g.gain.value = 0.15;
      o.connect(g); g.connect(audio.destination);
      o.start(); o.stop(audio.currentTime + (ok ? 0.08 : 0.4));
    } catch (e) { /* no audio device: the colour still tells */ }
  }

  function show(kind, text) {
    result.className = "result " + kind;
    result.textContent = text;
    if (kind === "ok" || kind === "err") beep(kind === "ok");  // busy and retrying stay silent
  }

  function render() {
    document.querySelectorAll(".mode").forEach(function (b) {
      b.classList.toggle("on", b.dataset.mode === state.mode);
      b.disabled = !can[b.dataset.mode];
    });
    document.getElementById("bin").textContent = state.bin || "—";
    document.getElementById("to-wrap").hidden = state.mode !== "transfer";
    document.getElementById("to-bin").textContent = state.to || "—";
    document.getElementById("doc").textContent = state.doc || "—";
    document.getElementById("new-note").hidden = !(state.mode === "receive" && state.doc);
    // Intake: the claim whose tag was scanned waits for its bin; the last intake receipt links to its page.
    var intake = state.mode === "intake";
    document.getElementById("doc-wrap").hidden = intake;
    document.getElementById("claim-wrap").hidden = !intake;
    document.getElementById("intake-wrap").hidden = !intake || !state.intake;
    document.getElementById("claim").textContent = state.claim || "—";
    var link = document.getElementById("intake-doc");
    link.textContent = state.intake || "—";
    if (state.intake) link.href = app.dataset.receiptUrl.replace("DOC", encodeURIComponent(state.intake));
    qtyInput.placeholder = intake ? msg.as_claimed : "";
    document.getElementById("stocktake").textContent = state.stocktake ? "#" + state.stocktake : "—";
    document.getElementById("st-wrap").hidden = state.mode !== "count";
    document.getElementById("order-wrap").hidden = state.mode !== "pick";
    document.getElementById("order").textContent = state.order || "—";
    var done = document.getElementById("bin-done");
    done.hidden = !(state.mode === "count" && state.stocktake && state.bin);
    done.disabled = state.binDone;  // a finished bin is not finished again
    done.title = state.binDone ? msg.bin_finished : "";
    done.textContent = state.binDone ? msg.bin_done + " ✓" : msg.bin_done;
    save();
  }

  function setMode(mode) {
    if (!can[mode]) { show("err", mode); return; }
    // Another mode starts without a bin, visibly: the bin chosen for receiving must not become the source of an
    // issue, nor the first bin scanned in transfer mode the destination, by surprise.
    var cleared = mode !== state.mode && state.bin;
    if (mode !== state.mode) { state.bin = null; state.binDone = false; }
    state.mode = mode; state.to = null; state.claim = null;
    // Intake takes the claimed quantity unless the clerk types fewer; other modes count one by default.
    if (mode === "intake") qtyInput.value = "";
    else if (!qtyInput.value) qtyInput.value = 1;
    localStorage.setItem("scan.mode", mode);
    render();
    show("ok", msg.mode_set + ": " + msg[mode] + (cleared ? " · " + msg.bin_cleared : ""));
    if (cleared) flash(document.getElementById("bin"));
  }

  function flash(el) {  // draw the eye to a value that just changed by itself
    el.classList.remove("changed"); void el.offsetWidth; el.classList.add("changed");
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  var ATTEMPTS = 3, BACKOFF_MS = [400, 1200], TIMEOUT_MS = 8000;

  function wait(ms) { return new Promise(function (done) { setTimeout(done, ms); }); }

  // One attempt. Resolves {ok, status, body, replayed} for any answer with a JSON body; rejects when there is no
  // usable answer (network error, timeout, a proxy's HTML error page), which the caller may retry.
  // Accept-Language is the page's own: the API answers in the language a request names (CONTRACT §4), and a refusal
  // on a Chinese page must read Chinese whatever the browser's preference (the other pages' API calls do the same).
  function attempt(url, data, key) {
    var ctl = window.AbortController ? new AbortController() : null;
    var timer = ctl && setTimeout(function () { ctl.abort(); }, TIMEOUT_MS);
    return fetch(url, {
      method: "POST", credentials: "same-origin", signal: ctl ? ctl.signal : undefined,
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Idempotency-Key": key,
                "Accept-Language": document.documentElement.lang},
      body: data
    }).then(function (r) {
      return r.json().then(function (j) {
        return {ok: r.ok, status: r.status, body: j, replayed: r.headers.get("Idempotent-Replay") === "true"};
      }, function () {
        if (r.status < 500) return {ok: false, status: r.status, body: {error: {message: String(r.status)}}};
        throw new Error("HTTP " + r.status);
      });
    }).finally(function () { clearTimeout(timer); });
  }

  // POST with one key for the whole action: retried on no answer or a 5xx, never on a 4xx. `onRetry(n)` is told
  // before attempt n (2, 3, ...). Resolves with a 2xx or 4xx answer; rejects when the last attempt got no answer
  // or a 5xx (then with {answer}): whether the server applied it is unknown, so the key is worth keeping.
  function post(url, body, opts) {
    opts = opts || {};
    var key = opts.key || uuid(), data = JSON.stringify(body);
    function run(n) {
      return attempt(url, data, key).then(function (r) {
        if (r.status < 500) return r;
        if (n < ATTEMPTS) return again(n);
        throw {answer: r};
      }, function (e) {
        if (n < ATTEMPTS) return again(n);
        throw e;
      });
    }
    function again(n) {
      if (opts.onRetry) opts.onRetry(n + 1);
      return wait(BACKOFF_MS[n - 1]).then(function () { return run(n + 1); });
    }
    return run(1);
  }

  // The last scans: kept in the state (so a reload shows them, reversible as before) and drawn from it.
  function addRow(d, from) {
    state.rows.unshift({at: Date.now(), mode: d.mode, part: d.part_number, name: d.name || "",
                        location: d.location, from: from || null, qty: d.qty, on_hand: d.qty_on_hand,
                        move_id: d.move_id || null, reversed: false});
    state.rows.length = Math.min(state.rows.length, 20);
    drawRows();
    save();
  }

  function drawRows() {
    var tb = document.querySelector("#last tbody");
    tb.textContent = "";
    state.rows.forEach(function (row) {
      var tr = document.createElement("tr");
      if (row.reversed) tr.classList.add("reversed");
      // The time in the page's language when drawn, as the mode is (a row saved before the time was kept as a
      // number still has its text in `t`).
      var t = row.at ? new Date(row.at).toLocaleTimeString(document.documentElement.lang) : row.t;
      [t, msg[row.mode] || row.mode, row.part + " " + row.name, row.location, row.qty, row.on_hand]
        .forEach(function (v, i) {
          var td = document.createElement("td"); td.textContent = v;
          if (i === 2) td.className = "wrap";
          tr.appendChild(td);
        });
      var td = document.createElement("td");
      // A pick is undone on the order, not by reversing its move.
      if (can.reverse && row.move_id && row.mode !== "pick" && !row.reversed) {
        var b = document.createElement("button");
        b.type = "button"; b.className = "reverse"; b.textContent = "↩ " + msg.reverse;
        b.setAttribute("aria-label", msg.reverse + " #" + row.move_id);
        b.onclick = function () { reverse(row, b); };
        td.appendChild(b);
      }
      tr.appendChild(td);
      tb.appendChild(tr);
    });
  }

  // Reversing asks first, saying what will move back where.
  function reverse(row, b) {
    var what = {qty: row.qty, part: row.part, bin: row.location, from: row.from, to: row.location, id: row.move_id};
    var text = (row.mode === "receive" ? fmt(msg.reverse_receive, what) :
                row.mode === "transfer" && row.from ? fmt(msg.reverse_transfer, what) :
                row.mode === "issue" ? fmt(msg.reverse_issue, what) : "") + "\n" + fmt(msg.reverse_move, what);
    Page.confirm({title: msg.reverse_title, text: text, yes: msg.reverse, no: msg.cancel}).then(function (ok) {
      if (!ok) { input.focus(); return; }
      b.disabled = true;
      post("/api/v1/moves/" + row.move_id + "/reverse", {reason: "scan page", device: "scan-page"}).then(function (r) {
        if (r.ok) {
          row.reversed = true; save(); drawRows();
          show("ok", msg.reversed + " #" + row.move_id + " · " + r.body.location + " → " + r.body.qty_on_hand);
        } else { b.disabled = false; show("err", r.body.error.message); }
        input.focus();
      }, function () { b.disabled = false; show("err", msg.offline); input.focus(); });
    });
  }

  // The quantity as typed: a whole number from 1 to MAX_QTY, or refused here (never rounded: 1.5 is not 1).
  // Empty means the default (one part; in intake, the claimed quantity).
  function typedQty() {
    var raw = qtyInput.value.trim();
    if (!raw && !qtyInput.validity.badInput) return {ok: true, value: null};
    if (/^[0-9]+$/.test(raw)) {
      var n = parseInt(raw, 10);
      if (n >= 1 && n <= MAX_QTY) return {ok: true, value: n};
    }
    return {ok: false, text: fmt(msg.qty_whole, {max: MAX_QTY, value: raw || qtyInput.validationMessage || "?"})};
  }

  function onScan(code) {
    var typed = typedQty();
    if (!typed.ok) { show("err", typed.text); qtyInput.select(); return; }
    var qty = typed.value;
    var body = {code: code, mode: state.mode, location: state.bin, to_location: state.to,
                qty: qty === null ? 1 : qty, device: "scan-page"};
    if (state.mode === "receive" && state.doc) body.document = state.doc;
    if (state.mode === "receive" && autoprint && station.autoprint) { body.print_labels = true; body.printer = station.printer; }
    if (state.mode === "count" && state.stocktake) body.stocktake = state.stocktake;
    if (state.mode === "pick" && state.order) body.document = state.order;
    if (state.mode === "intake") {
      body.claim = state.claim;
      body.qty = 1;
      if (qty !== null) body.intake_qty = qty;
    }
    // The clerk scanning again after "no connection" is the same scan: it keeps the unanswered key, so if the
    // lost attempt was applied the server replays it instead of posting twice.
    var sig = JSON.stringify(body);
    var key = unanswered && unanswered.sig === sig ? unanswered.key : uuid();
    unanswered = null;
    show("busy", short(code));
    post(api, body, {key: key, onRetry: function (n) {
      show("busy retrying", short(code) + " · " + msg.retrying + " (" + n + "/" + ATTEMPTS + ")");
    }}).then(function (r) {
      if (!r.ok) {
        if (/^CL-\d{8}-\d+$/i.test(code)) { state.claim = null; render(); }  // a refused tag is not held
        // A refused bin is not selected: the next part must not go to the bin held before it.
        if (BIN_CODE.test(code.trim())) {
          if (state.mode === "transfer" && state.bin && state.bin !== code.trim().toUpperCase()) state.to = null;
          else { state.bin = null; state.to = null; state.binDone = false; }
          render();
        }
        // A stocktake approved since this tab remembered it: the next bin finds the open one covering it.
        var c = r.body.error.code;
        if ((c === "stocktake_closed" || c === "unknown_stocktake") && state.stocktake !== urlStocktake) {
          state.stocktake = null; render();
        }
        show("err", short(code) + " — " + shorten(r.body.error.message, code)); return;
      }
      var d = r.body;
      if (d.kind === "mode") { setMode(d.mode); return; }
      if (d.kind === "order") {  // pick mode: the pick list's code selects the order
        if (state.mode !== "pick") setMode("pick");
        state.order = d.order_no; state.bin = null; render();
        show("ok", msg.order_set + ": " + d.order_no + " · " + msg.scan_bin);
        return;
      }
      if (d.kind === "claim" && d.mode === "intake") {
        state.claim = d.claim_no; render();
        show("ok", msg.tag_set + " " + d.claim_no + " · " + d.part_number + " " + (d.name || "") + " ×" + d.qty +
             " · " + msg.scan_returned_bin);
        return;
      }
      if (d.kind === "intake") {
        state.claim = null; state.bin = d.location; state.intake = d.doc_no; render();
        addRow({mode: "intake", part_number: d.part_number, name: d.claim_no, location: d.location, qty: d.qty,
                qty_on_hand: d.qty_on_hand});
        if (state.mode === "intake") qtyInput.value = "";
        show("ok", "OK " + msg.taken_in + " " + d.claim_no + " → " + d.location + " ×" + d.qty + " · " +
             msg.intake_receipt + " " + d.doc_no + (r.replayed ? " · " + msg.replayed : ""));
        return;
      }
      if (d.kind === "location") {
        if (state.mode === "transfer" && state.bin && d.location !== state.bin) {
          state.to = d.location; render(); show("ok", msg.to_set + ": " + d.location); return;
        }
        state.bin = d.location; state.to = null; state.binDone = !!d.bin_done;
        if (d.stocktake) state.stocktake = d.stocktake;
        render();
        show("ok", msg.bin_set + ": " + d.location + " · " + (state.mode === "transfer" ? msg.scan_to :
             state.mode === "intake" ? msg.scan_tag : msg.scan_part));
        return;
      }
      if (d.kind === "card") {
        show("ok", "OK " + d.location + " / " + d.part_number + " · " + msg.card + " " + d.card);
        return;
      }
      if (d.mode === "count" && d.counted !== undefined) {
        state.stocktake = d.stocktake; render();
        addRow({mode: "count", part_number: d.part_number, name: d.name, location: d.location,
                qty: body.qty, qty_on_hand: msg.counted + " " + d.counted});
        qtyInput.value = 1;
        show("ok", "OK " + d.part_number + " · " + (d.name || "") + " · " + msg.counted + " " + d.counted);
        return;
      }
      if (d.mode === "pick" && d.move_id) {
        addRow(d);
        qtyInput.value = 1;
        show("ok", "OK " + d.part_number + " · " + (d.name || "") + " · " + msg.picked + " " + d.picked + "/" +
             d.ordered + (r.replayed ? " · " + msg.replayed : ""));
        return;
      }
      if (d.move_id) {
        if (d.mode === "receive" && d.doc_no) state.doc = d.doc_no;
        render();
        addRow(d, d.mode === "transfer" ? body.location : null);
        qtyInput.value = 1;
        show("ok", "OK " + d.part_number + " · " + (d.name || "") + " → " + d.qty_on_hand +
             (r.replayed ? " · " + msg.replayed : ""));
        return;
      }
      show("ok", d.kind + ": " + (d.part_number || d.location || d.doc_no || short(code)));
    }, function (e) {
      unanswered = {sig: sig, key: key};
      var a = e && e.answer;
      show("err", a && a.body.error ? short(code) + " — " + a.body.error.message : msg.offline);
    }).then(function () { input.focus(); });
  }

  document.querySelectorAll(".mode").forEach(function (b) {
    b.addEventListener("click", function () { setMode(b.dataset.mode); input.focus(); });
  });
  // Counting: the bin is finished; what nobody counted there is counted as 0 (a scan cannot find what is missing).
  // The page asks first, with the number of parts that would become 0 (read fresh: the count goes on meanwhile).
  var binDone = document.getElementById("bin-done");
  binDone.addEventListener("click", function () {
    if (state.binDone) return;
    var bin = state.bin, url = "/api/v1/stocktakes/" + state.stocktake + "/bins/" + encodeURIComponent(bin);
    binDone.disabled = true;
    var headers = {"Accept": "application/json", "Accept-Language": document.documentElement.lang};
    fetch(url, {credentials: "same-origin", headers: headers}).then(function (r) {
      return r.json().then(function (j) { return {ok: r.ok, body: j}; });
    }).then(function (r) {
      if (!r.ok) { binDone.disabled = false; show("err", r.body.error.message); input.focus(); return; }
      if (r.body.done_at) { state.binDone = true; render(); show("ok", msg.bin_finished); input.focus(); return; }
      var text = (r.body.uncounted ? fmt(msg.bin_done_missing, {n: r.body.uncounted}) : msg.bin_done_none) +
                 "\n" + fmt(msg.bin_done_counted, {n: r.body.lines});
      return Page.confirm({title: fmt(msg.bin_done_title, {bin: bin}), text: text, yes: msg.bin_done,
                           no: msg.cancel}).then(function (ok) {
        if (!ok) { binDone.disabled = false; input.focus(); return; }
        return post(url + "/done", {device: "scan-page"}).then(function (r) {
          if (r.ok) { if (state.bin === bin) state.binDone = true; render(); show("ok", msg.bin_done + ": " + bin); }
          else { binDone.disabled = false; show("err", r.body.error.message); }
          input.focus();
        });
      });
    }).catch(function () { binDone.disabled = false; show("err", msg.offline); input.focus(); });
  });
  // The next delivery: close the receipt note here (the server numbers a new one with the next receipt).
  document.getElementById("new-note").addEventListener("click", function () {
    state.doc = null; render(); show("ok", msg.note_closed); input.focus();
  });
  qtyInput.addEventListener("input", function () {
    var typed = typedQty();
    qtyInput.setAttribute("aria-invalid", typed.ok ? "false" : "true");
  });
  // Keep the scan field focused: a wedge scanner types into whatever has focus.
  input.addEventListener("blur", function () {
    setTimeout(function () {
      var a = document.activeElement;
      if (a === document.body || a === null) input.focus();  // not when the clerk chose another control
    }, 0);
  });
  qtyInput.addEventListener("change", function () {
    var typed = typedQty();
    if (!typed.ok) show("err", typed.text);
    input.focus();
  });
  // Scanner set-up differs per station (some add a prefix or suffix, some send FNC1 as a printable stand-in).
  Wedge.attach({input: input, onScan: onScan, prefix: station.prefix || "", suffix: station.suffix || "",
                gsSubstitute: station.gsSubstitute || null});
  window.ScanPage = {onScan: onScan, show: show, msg: msg, csrf: csrf, input: input};
  if (state.mode === "intake") { qtyInput.value = ""; result.textContent = msg.scan_tag; }
  else if (state.bin) result.textContent = msg.bin_set + ": " + state.bin + " · " + msg.scan_part;
  drawRows();
  render();
  input.focus();
})();
