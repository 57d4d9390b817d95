/* The technician's tablet page offline: "my jobs" and its scripts and styles are answered from the network when
 * there is one (and copied into the cache), else from the cache — so a reload without a connection still shows the
 * jobs, and step_queue.js still holds every step saved on the tablet. API calls are never cached. */
"use strict";
var CACHE = "my-jobs-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (e) { e.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (e) {
  var req = e.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  var page = url.pathname === "/service/my-jobs";
  var asset = url.pathname.indexOf("/static/") === 0;
  if (!page && !asset) return;
  e.respondWith(fetch(req).then(function (resp) {
    if (resp.ok) {
      var copy = resp.clone();
      caches.open(CACHE).then(function (c) { c.put(page ? "/service/my-jobs" : req, copy); });
    }
    return resp;
  }).catch(function () {
    return caches.match(page ? "/service/my-jobs" : req).then(function (hit) {
      return hit || Response.error();
    });
  }));
});
