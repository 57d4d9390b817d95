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
  var state = {mode: app.dataset.startMode || params.get("mode") || localStorage.getItem("scan.mode") || "receive",
               bin: null, to: null, doc: null, order: params.get("order"), claim: null, intake: null,
               stocktake: params.get("stocktake") ? parseInt(params.get("stocktake"), 10) : null};
  // A mode this role may not use (remembered from another user of this browser, say) falls back to the first it
  // may: a shipper starts in pick mode, a returned-parts clerk in intake.
  if (!can[state.mode]) {
    state.mode = ["receive", "issue", "transfer", "count", "pick", "intake"].filter(function (m) {
      return can[m];
    })[0] || "receive";
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
    document.getElementById("bin-done").hidden = !(state.mode === "count" && state.stocktake && state.bin);
  }

  function setMode(mode) {
    if (!can[mode]) { show("err", mode); return; }
    state.mode = mode; state.to = null; state.claim = null;
    // Intake takes the claimed quantity unless the clerk types fewer; other modes count one by default.
    if (mode === "intake") qtyInput.value = "";
    else if (!qtyInput.value) qtyInput.value = 1;
    localStorage.setItem("scan.mode", mode);
    render();
    show("ok", msg.mode_set + ": " + msg[mode]);
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  var ATTEMPTS = 3, BACKOFF_MS = [400, 1200], TIMEOUT_MS = 8000;

  function wait(ms) { return new Promise(function (done) { setTimeout(done, ms); }); }

  // One attempt. Resolves {ok, status, body, replayed} for any answer with a JSON body; rejects when there is no
  // usable answer (network error, timeout, a proxy's HTML error page), which the caller may retry.
  function attempt(url, data, key) {
    var ctl = window.AbortController ? new AbortController() : null;
    var timer = ctl && setTimeout(function () { ctl.abort(); }, TIMEOUT_MS);
    return fetch(url, {
      method: "POST", credentials: "same-origin", signal: ctl ? ctl.signal : undefined,
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Idempotency-Key": key},
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

  function addRow(d) {
    var tb = document.querySelector("#last tbody");
    var tr = document.createElement("tr");
    [new Date().toLocaleTimeString(), msg[d.mode] || d.mode, d.part_number + " " + (d.name || ""),
     d.location, d.qty, d.qty_on_hand].forEach(function (v) {
      var td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
    });
    var td = document.createElement("td");
    if (can.reverse && d.move_id && d.mode !== "pick") {  // a pick is undone on the order, not by reversing its move
      var b = document.createElement("button");
      b.className = "link"; b.textContent = "↩";
      b.title = "reverse";
      b.onclick = function () {
        b.disabled = true;
        post("/api/v1/moves/" + d.move_id + "/reverse", {reason: "scan page", device: "scan-page"}).then(function (r) {
          if (r.ok) { tr.classList.add("reversed"); show("ok", msg.reversed + " #" + d.move_id + " · " + r.body.qty_on_hand); }
          else { b.disabled = false; show("err", r.body.error.message); }
          input.focus();
        });
      };
      td.appendChild(b);
    }
    tr.appendChild(td);
    tb.insertBefore(tr, tb.firstChild);
    while (tb.rows.length > 20) tb.deleteRow(-1);
  }

  function onScan(code) {
    var qty = parseInt(qtyInput.value, 10);
    var body = {code: code, mode: state.mode, location: state.bin, to_location: state.to,
                qty: isNaN(qty) ? 1 : qty, device: "scan-page"};
    if (state.mode === "receive" && state.doc) body.document = state.doc;
    if (state.mode === "receive" && autoprint && station.autoprint) { body.print_labels = true; body.printer = station.printer; }
    if (state.mode === "count" && state.stocktake) body.stocktake = state.stocktake;
    if (state.mode === "pick" && state.order) body.document = state.order;
    if (state.mode === "intake") {
      body.claim = state.claim;
      body.qty = 1;
      if (!isNaN(qty)) body.intake_qty = qty;
    }
    // The clerk scanning again after "no connection" is the same scan: it keeps the unanswered key, so if the
    // lost attempt was applied the server replays it instead of posting twice.
    var sig = JSON.stringify(body);
    var key = unanswered && unanswered.sig === sig ? unanswered.key : uuid();
    unanswered = null;
    show("busy", code);
    post(api, body, {key: key, onRetry: function (n) {
      show("busy retrying", code + " · " + msg.retrying + " (" + n + "/" + ATTEMPTS + ")");
    }}).then(function (r) {
      if (!r.ok) {
        if (/^CL-\d{8}-\d+$/i.test(code)) { state.claim = null; render(); }  // a refused tag is not held
        show("err", code + " — " + r.body.error.message); return;
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
        state.bin = d.location; state.to = null; render();
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
        addRow(d);
        qtyInput.value = 1;
        show("ok", "OK " + d.part_number + " · " + (d.name || "") + " → " + d.qty_on_hand +
             (r.replayed ? " · " + msg.replayed : ""));
        return;
      }
      show("ok", d.kind + ": " + (d.part_number || d.location || d.doc_no || code));
    }, function (e) {
      unanswered = {sig: sig, key: key};
      var a = e && e.answer;
      show("err", a && a.body.error ? code + " — " + a.body.error.message : msg.offline);
    }).then(function () { input.focus(); });
  }

  document.querySelectorAll(".mode").forEach(function (b) {
    b.addEventListener("click", function () { setMode(b.dataset.mode); input.focus(); });
  });
  // Counting: the bin is finished; what nobody counted there is counted as 0 (a scan cannot find what is missing).
  document.getElementById("bin-done").addEventListener("click", function () {
    post("/api/v1/stocktakes/" + state.stocktake + "/bins/" + encodeURIComponent(state.bin) + "/done", {})
      .then(function (r) {
        if (r.ok) show("ok", msg.bin_done + ": " + state.bin);
        else show("err", r.body.error.message);
        input.focus();
      });
  });
  // Keep the scan field focused: a wedge scanner types into whatever has focus.
  input.addEventListener("blur", function () {
    setTimeout(function () {
      var a = document.activeElement;
      if (a === document.body || a === null) input.focus();  // not when the clerk chose another control
    }, 0);
  });
  qtyInput.addEventListener("change", function () { input.focus(); });
  // Scanner set-up differs per station (some add a prefix or suffix, some send FNC1 as a printable stand-in).
  Wedge.attach({input: input, onScan: onScan, prefix: station.prefix || "", suffix: station.suffix || "",
                gsSubstitute: station.gsSubstitute || null});
  window.ScanPage = {onScan: onScan, show: show, msg: msg, csrf: csrf, input: input};
  if (state.mode === "intake") { qtyInput.value = ""; result.textContent = msg.scan_tag; }
  render();
  input.focus();
})();
