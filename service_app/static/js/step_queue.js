/* The tablet's offline queue for "my jobs". Every step (arrival, completion with its parts, failed parts and
 * signature, a quote, the customer's acceptance with their signature, a payment, a photo) is saved in IndexedDB at
 * once, with its own Idempotency-Key and the tablet's time, then sent to the JSON API in order;
 * without a connection it stays saved (also across a reload) and is sent when the connection returns. A step sent
 * twice is applied once (the key). A step the server refuses (a part the van no longer holds) stays on the tablet
 * as a conflict, shown with the server's reason, until the technician takes it back into its form (as typed) to
 * correct and send again: never silently dropped.
 * The queue is the signed-in user's own (one IndexedDB database per user name): steps a technician saved survive a
 * sign-out on the tablet and are sent after their next sign-in, and never under another user's session. */
(function () {
  "use strict";
  if (!window.indexedDB || !window.fetch) return;  // the plain forms still work
  var root = document.getElementById("tablet");
  var msg = JSON.parse(root.dataset.msg);
  var box = document.getElementById("queue-box");
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var user = root.dataset.user;
  if (!user) return;
  var sending = false;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(document.getElementById("step-queue").dataset.sw, {scope: "/service/"})
      .catch(function () { /* no secure origin: online only */ });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function db() {
    return new Promise(function (ok, fail) {
      var r = indexedDB.open("service-steps:" + user, 1);
      r.onupgradeneeded = function () { r.result.createObjectStore("steps", {keyPath: "seq", autoIncrement: true}); };
      r.onsuccess = function () { ok(r.result); };
      r.onerror = function () { fail(r.error); };
    });
  }

  function tx(mode, fn) {
    return db().then(function (d) {
      return new Promise(function (ok, fail) {
        var t = d.transaction("steps", mode);
        var out = fn(t.objectStore("steps"));
        t.oncomplete = function () { ok(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { fail(t.error); };
      });
    });
  }

  var all = function () { return tx("readonly", function (s) { return s.getAll(); }); };
  var put = function (step) { return tx("readwrite", function (s) { return s.put(step); }); };
  var drop = function (seq) { return tx("readwrite", function (s) { return s.delete(seq); }); };

  function label(step) { return (msg[step.kind] || step.kind) + " " + step.ticket_no; }

  function show(steps) {
    box.textContent = "";
    box.hidden = steps.length === 0;
    if (!steps.length) return;
    var head = document.createElement("p");
    head.textContent = msg.waiting.replace("%(n)s", steps.length) + (navigator.onLine ? "" : " " + msg.offline);
    box.appendChild(head);
    steps.forEach(function (step) {
      var row = document.createElement("div");
      row.className = "step " + (step.conflict ? "conflict" : "queued");
      row.dataset.kind = step.kind;
      row.textContent = label(step) + " · " + (step.conflict ? msg.conflict.replace("%(reason)s", step.conflict)
                                                             : msg.queued);
      if (step.conflict) {
        var b = document.createElement("button");
        b.type = "button"; b.className = "big redo"; b.textContent = msg.redo;
        b.addEventListener("click", function () { drop(step.seq).then(function () { restore(step); return refresh(); }); });
        row.appendChild(b);
      }
      box.appendChild(row);
      markCard(step);
    });
  }

  // A job whose arrival is saved but not yet sent shows its completion form (the page may be an offline copy).
  function markCard(step) {
    var card = document.getElementById("job-" + step.ticket_no);
    if (!card) return;
    if (step.kind === "arrive") {
      var a = card.querySelector(".arrive-form"); if (a) a.hidden = true;
      var c = card.querySelector(".complete-form"); if (c) c.hidden = false;
      card.querySelectorAll(".js-step").forEach(function (x) { x.hidden = false; });
    } else if (step.kind === "complete") {
      card.querySelectorAll("form, .js-step").forEach(function (f) { f.hidden = true; });
    } else if (step.kind !== "photo") {  // each photo is a step of its own: its form stays free for the next one
      // saved, waiting to be sent: the form cannot send it a second time (the queue shows it above)
      var f = card.querySelector("form[data-kind='" + step.kind + "']");
      if (f) { f.dataset.queued = "1"; f.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; }); }
    }
    card.classList.add("has-queued");
  }

  // A refused step goes back into its form, as typed, to be corrected and sent again: nothing typed is lost.
  function restore(step) {
    var card = document.getElementById("job-" + step.ticket_no);
    if (!card) return;
    card.classList.remove("has-queued");
    if (step.kind === "photo") return;  // dismissed: the technician takes it again
    if (step.kind !== "arrive" && step.kind !== "complete") {
      var f = card.querySelector("form[data-kind='" + step.kind + "']");
      if (!f) return;
      f.dataset.queued = "";
      f.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
      var v = step.fields || {};
      Object.keys(v).forEach(function (name) {
        var inputs = f.querySelectorAll('[name="' + name + '"]');
        var values = Array.isArray(v[name]) ? v[name] : [v[name]];
        for (var i = 0; i < inputs.length; i++) inputs[i].value = values[i] !== undefined ? values[i] : "";
      });
      if (step.signature) drawBack(f, step.signature);
      return;
    }
    if (step.kind === "arrive") {
      var a = card.querySelector(".arrive-form");
      if (a) { a.hidden = false; a.dataset.queued = ""; }
      var hide = card.querySelector(".complete-form");
      if (hide && card.dataset.status !== "arrived") hide.hidden = true;
      return;
    }
    var form = card.querySelector(".complete-form");
    if (!form) return;
    form.hidden = false; form.dataset.queued = ""; form.dataset.sent = "";
    form.querySelector(".complete-btn").disabled = false;
    var b = step.body;
    form.querySelector('[name="diagnosis"]').value = b.diagnosis || "";
    form.querySelector('[name="cause"]').value = b.cause || "";
    form.querySelector('[name="labour_hours"]').value = b.labour_hours || "";
    var pns = form.querySelectorAll('[name="part_number"]'), qtys = form.querySelectorAll('[name="qty"]');
    for (var i = 0; i < pns.length; i++) {
      var line = (b.parts_used || [])[i];
      pns[i].value = line ? line.part_number : "";
      qtys[i].value = line ? String(line.qty) : "";
    }
    var fpn = form.querySelectorAll('[name="f_part_number"]'), fq = form.querySelectorAll('[name="f_qty"]'),
        ff = form.querySelectorAll('[name="f_failure"]');
    for (var k = 0; k < fpn.length; k++) {
      var bad = (b.failed_parts || [])[k];
      fpn[k].value = bad ? bad.part_number : ""; fq[k].value = bad ? String(bad.qty) : "";
      ff[k].value = bad ? (bad.failure || "") : "";
    }
    if (step.signature) drawBack(form, step.signature);
  }

  function drawBack(form, signature) {
    form.querySelector(".sig-data").value = signature;
    var canvas = form.querySelector("canvas.sig"), img = new Image();
    img.onload = function () { canvas.getContext("2d").drawImage(img, 0, 0); };
    img.src = signature;
  }

  function refresh() { return all().then(show); }

  // A page kept offline for long carries an expired CSRF token: take a fresh one from the live page.
  function freshToken() {
    return fetch("/service/my-jobs", {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var m = /name="csrf-token" content="([^"]+)"/.exec(html);
        if (!m) throw new Error("retry");
        csrf = m[1];
      });
  }

  function post(step, again) {
    return fetch(step.url, {method: "POST", credentials: "same-origin",
                            headers: {"Content-Type": "application/json", "X-CSRFToken": csrf,
                                      "Idempotency-Key": step.key, "Accept-Language": document.documentElement.lang},
                            body: JSON.stringify(step.body)})
      .then(function (r) {
        // not there yet, or signed out (the step waits for the next sign-in): try again later
        if (r.status >= 500 || r.status === 429 || r.status === 401) throw new Error("retry");
        return r.json().catch(function () { return {}; }).then(function (j) { return {ok: r.ok, body: j}; });
      })
      .then(function (res) {
        var code = res.body && res.body.error && res.body.error.code;
        if (code !== "csrf_failed") return res;
        if (again) throw new Error("retry");
        return freshToken().then(function () { return post(step, true); });
      });
  }

  function upload(step, blob, filename, key) {
    var form = new FormData();
    form.append("owner_kind", "ticket");
    form.append("owner_key", step.ticket_no);
    form.append("file", blob, filename);
    return fetch("/api/v1/attachments", {method: "POST", credentials: "same-origin", body: form,
                                         headers: {"X-CSRFToken": csrf, "Idempotency-Key": key,
                                                   "Accept-Language": document.documentElement.lang}});
  }

  function send(step) {
    if (step.user && step.user !== user) return Promise.reject(new Error("not this user's step"));
    if (step.kind === "photo") {
      return upload(step, step.file, step.filename, step.key).then(function (r) {
        if (r.status >= 500 || r.status === 429 || r.status === 401) throw new Error("retry");
        return r.json().catch(function () { return {}; }).then(function (j) { return {ok: r.ok, body: j}; });
      });
    }
    return post(step, false)
      .then(function (res) {
        if (!res.ok || !step.signature) return res;
        var name = (step.kind === "accept" ? "quote-signature-" : "signature-") + step.ticket_no + ".png";
        return upload(step, dataBlob(step.signature), name, step.key + "-sig")
          .then(function (r) { if (r.status >= 500) throw new Error("retry"); return res; });
      });
  }

  function dataBlob(url) {
    var bin = atob(url.split(",")[1]), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Blob([bytes], {type: "image/png"});
  }

  // Send the saved steps in the order they were taken; stop at the first that cannot reach the server.
  function flush() {
    if (sending) return Promise.resolve();
    sending = true;
    var sentAny = false;
    return all().then(function (steps) {
      var pending = steps.filter(function (s) { return !s.conflict; });
      return pending.reduce(function (p, step) {
        return p.then(function () {
          return send(step).then(function (res) {
            sentAny = true;
            if (res.ok) return drop(step.seq);
            var e = (res.body && res.body.error) || {};
            step.conflict = e.message || e.code || "?";
            return put(step);
          });
        });
      }, Promise.resolve());
    }).catch(function () { /* offline: kept for the next try */ })
      .then(function () {
        sending = false;
        return all().then(function (left) {
          if (sentAny && left.length === 0) { location.reload(); return; }
          show(left);
        });
      });
  }

  function save(step) {
    step.key = uuid();
    step.user = user;
    return put(step).then(refresh).then(flush);
  }

  document.querySelectorAll("form.arrive-form").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (form.dataset.queued) return;
      form.dataset.queued = "1";
      var no = form.querySelector('[name="ticket_no"]').value;
      save({kind: "arrive", ticket_no: no, url: "/api/v1/tickets/" + encodeURIComponent(no) + "/arrive",
            body: {at: new Date().toISOString()}});
    });
  });

  document.querySelectorAll("form.complete-form").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (form.dataset.queued) return;  // a double tap saves one step
      var no = form.querySelector('[name="ticket_no"]').value;
      var diagnosis = form.querySelector('[name="diagnosis"]').value.trim();
      if (!diagnosis) {
        form.querySelector('[name="diagnosis"]').focus();
        form.dataset.sent = "";
        form.querySelector(".complete-btn").disabled = false;
        return;
      }
      form.dataset.queued = "1";
      var parts = [];
      var pns = form.querySelectorAll('[name="part_number"]'), qtys = form.querySelectorAll('[name="qty"]');
      for (var i = 0; i < pns.length; i++) {
        var pn = pns[i].value.trim().toUpperCase();
        if (pn) parts.push({part_number: pn, qty: parseInt(qtys[i].value, 10) || 1});
      }
      var failed = [];
      var fpn = form.querySelectorAll('[name="f_part_number"]'), fq = form.querySelectorAll('[name="f_qty"]'),
          ff = form.querySelectorAll('[name="f_failure"]');
      for (var k = 0; k < fpn.length; k++) {
        var f = fpn[k].value.trim().toUpperCase();
        if (f) failed.push({part_number: f, qty: parseInt(fq[k].value, 10) || 1, failure: ff[k].value.trim() || null});
      }
      var body = {at: new Date().toISOString(), diagnosis: diagnosis, parts_used: parts, device: "tablet"};
      if (failed.length) body.failed_parts = failed;
      var cause = form.querySelector('[name="cause"]').value;
      if (cause) body.cause = cause;
      var hours = form.querySelector('[name="labour_hours"]').value.trim();
      if (hours) body.labour_hours = hours;
      save({kind: "complete", ticket_no: no, url: "/api/v1/tickets/" + encodeURIComponent(no) + "/complete",
            body: body, signature: form.querySelector(".sig-data").value || null});
    });
  });

  // Quote, the customer's acceptance, payment: forms of the JSON API's fields, saved like every other step.
  function values(form, names) {
    var out = {};
    names.forEach(function (n) {
      var all = form.querySelectorAll('[name="' + n + '"]');
      out[n] = all.length > 1 ? Array.prototype.map.call(all, function (x) { return x.value; }) : (all[0] ? all[0].value : "");
    });
    return out;
  }

  var STEPS = {
    quote: {names: ["q_part_number", "q_qty", "q_labour_hours", "q_cause"], body: function (v) {
      var parts = [];
      v.q_part_number.forEach(function (pn, i) {
        pn = pn.trim().toUpperCase();
        if (pn) parts.push({part_number: pn, qty: parseInt(v.q_qty[i], 10) || 1});
      });
      var b = {parts: parts, labour_hours: v.q_labour_hours.trim() || "0"};
      if (v.q_cause) b.cause = v.q_cause;
      return b;
    }, path: "quote"},
    accept: {names: [], body: function () { return {}; }, path: "quote/accept"},
    payment: {names: ["amount", "method", "reference"], body: function (v) {
      var b = {amount: v.amount.trim(), method: v.method};
      if (v.reference.trim()) b.reference = v.reference.trim();
      return b;
    }, path: "payments"}
  };

  document.querySelectorAll("form.step-form").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (form.dataset.queued) return;  // a double tap saves one step
      var kind = form.dataset.kind, spec = STEPS[kind];
      var no = form.querySelector('[name="ticket_no"]').value;
      var v = values(form, spec.names);
      var sig = form.querySelector(".sig-data");
      if (kind === "accept" && !(sig && sig.value)) { form.querySelector("canvas.sig").focus(); return; }
      if (kind === "payment" && !v.amount.trim()) { form.querySelector('[name="amount"]').focus(); return; }
      form.dataset.queued = "1";
      save({kind: kind, ticket_no: no, url: "/api/v1/tickets/" + encodeURIComponent(no) + "/" + spec.path,
            body: spec.body(v), fields: v, signature: sig ? sig.value || null : null});
    });
  });

  // Photos: each file saved on the tablet as it is (a Blob in IndexedDB) and uploaded to the job's attachments.
  document.querySelectorAll("input.photo-input").forEach(function (input) {
    input.addEventListener("change", function () {
      var no = input.closest(".job-card").id.replace(/^job-/, "");
      var files = Array.prototype.slice.call(input.files || []);
      input.value = "";
      files.reduce(function (p, file) {
        return p.then(function () {
          return save({kind: "photo", ticket_no: no, url: "/api/v1/attachments", file: file,
                       filename: file.name || ("photo-" + no + ".jpg")});
        });
      }, Promise.resolve());
    });
  });

  // The sections that need this script: shown now that it runs (before arrival, once an arrival is saved).
  document.querySelectorAll(".js-step[data-arrived='1']").forEach(function (x) { x.hidden = false; });

  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  refresh().then(flush);
})();
