/* The board player's service worker (served at /thiet-bi/bang-tin/sw.js, so its scope is the player).
 *
 * Registered as sw.js?v=<version>&shell=<script,style>&media=<media path>:
 * - the page shell (the page, its script and style sheet) is cached at install; the page is fetched
 *   from the network first and from the cache when there is no network, so a board that reloads
 *   offline still starts;
 * - media under the device API's content-addressed path come from the cache first, looked up by path
 *   (the query string is a signature that expires, the content never changes); player.js fills and
 *   prunes that cache from each snapshot's asset list;
 * - everything else (the API's JSON) goes to the network untouched: player.js keeps its own copy.
 */
"use strict";

var params = new URL(self.location.href).searchParams;
var VERSION = params.get("v") || "0";
var SHELL_CACHE = "bang-tin-shell-" + VERSION;
var MEDIA_CACHE = "bang-tin-media";
var PAGE = new URL("./", self.location.href).pathname;
var SHELL = (params.get("shell") || "").split(",").filter(function (path) { return path.charAt(0) === "/"; });
var MEDIA = params.get("media") || "";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then(function (cache) { return cache.addAll([PAGE].concat(SHELL)); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.map(function (name) {
        return name.indexOf("bang-tin-shell-") === 0 && name !== SHELL_CACHE ? caches.delete(name) : null;
      }));
    }).then(function () { return self.clients.claim(); })
  );
});

function fromNetworkThenCache(request, key) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(SHELL_CACHE).then(function (cache) { return cache.put(key, copy); });
    }
    return response;
  }, function () {
    return caches.open(SHELL_CACHE).then(function (cache) { return cache.match(key); }).then(function (hit) {
      return hit || Response.error();
    });
  });
}

function fromCacheThenNetwork(cacheName, key, request) {
  return caches.open(cacheName).then(function (cache) { return cache.match(key); }).then(function (hit) {
    return hit || fetch(request);
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" || url.pathname === PAGE) {
    if (url.pathname === PAGE) event.respondWith(fromNetworkThenCache(request, PAGE));
  } else if (SHELL.indexOf(url.pathname) !== -1) {
    event.respondWith(fromNetworkThenCache(request, url.pathname));
  } else if (MEDIA && url.pathname.indexOf(MEDIA) === 0 && !request.headers.has("Range")) {
    event.respondWith(fromCacheThenNetwork(MEDIA_CACHE, url.pathname, request));
  }
});
