/* Camera scanning on the scan page.
 * - Tablet camera: getUserMedia (rear camera), a frame every 300 ms scaled to ≤1280 px, JPEG, POSTed to
 *   /api/v1/scan/decode; the first read stops the camera and is handled like a wedge scan.
 * - Station camera: an EventSource on /api/v1/scan/camera/events; every new code read by the fixed camera over the
 *   bench is handled like a wedge scan (hands-free receiving).
 */
(function () {
  "use strict";
  var page = window.ScanPage;
  var btn = document.getElementById("camera-btn");
  var wrap = document.getElementById("camera-wrap");
  var video = document.getElementById("camera");
  var canvas = document.getElementById("frame");
  var stream = null, timer = null, busy = false;

  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    wrap.hidden = true;
    btn.classList.remove("on");
    page.input.focus();
  }

  function grab() {
    if (busy || !video.videoWidth) return;
    var scale = Math.min(1, 1280 / Math.max(video.videoWidth, video.videoHeight));
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    busy = true;
    canvas.toBlob(function (blob) {
      fetch("/api/v1/scan/decode", {method: "POST", credentials: "same-origin", body: blob,
                                    headers: {"Content-Type": "image/jpeg", "X-CSRFToken": page.csrf,
                                              "Accept-Language": document.documentElement.lang}})
        .then(function (r) { return r.json(); })
        .then(function (d) {
          if (d.symbols && d.symbols.length && stream) { stop(); page.onScan(d.symbols[0].text); }
        })
        .catch(function () {})
        .then(function () { busy = false; });
    }, "image/jpeg", 0.85);
  }

  if (btn) btn.addEventListener("click", function () {
    if (stream) { stop(); return; }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { page.show("err", page.msg.no_camera); return; }
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment", width: {ideal: 1280}}, audio: false})
      .then(function (s) {
        stream = s; video.srcObject = s; video.play(); wrap.hidden = false; btn.classList.add("on");
        timer = setInterval(grab, 300);
      })
      .catch(function () { page.show("err", page.msg.no_camera); });
  });

  var station = document.getElementById("station-btn");
  var source = null;
  if (station) station.addEventListener("click", function () {
    if (source) { source.close(); source = null; station.classList.remove("on"); return; }
    source = new EventSource("/api/v1/scan/camera/events");
    station.classList.add("on");
    source.onmessage = function (e) {
      var ev = JSON.parse(e.data);
      if (ev.type === "code") page.onScan(ev.text);
      else if (ev.type === "status" && ev.state === "disconnected") page.show("err", page.msg.camera_lost);
      else if (ev.type === "status" && ev.state === "connected") page.show("ok", page.msg.camera_ok);
    };
  });
})();
