// The app's service worker: caches the shell so the app opens offline. Served by backend/web/routes.py,
// which fills in the list of shell files and a version computed from their contents: a changed file
// means a new version, whose install re-caches the shell and whose activation drops the old cache.
// The API is never cached: its answers are personal and must be current.
const VERSION = "__SHELL_VERSION__";
const SHELL = /*__SHELL_FILES__*/[];
const CACHE = "gc-shell-" + VERSION;
const PAGE_TIMEOUT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("gc-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function pageFromNetwork(request) {
  // The page itself: the network's copy when it comes in time (so a deployment shows at once),
  // else the cached shell (offline, or a network too poor to wait for).
  return new Promise((resolve) => {
    let settled = false;
    const fallback = () => caches.match("/app/").then((hit) => hit || Response.error());
    const timer = setTimeout(() => { if (!settled) { settled = true; resolve(fallback()); } }, PAGE_TIMEOUT_MS);
    fetch(request).then((response) => {
      if (!settled) { settled = true; clearTimeout(timer); resolve(response); }
    }, () => {
      if (!settled) { settled = true; clearTimeout(timer); resolve(fallback()); }
    });
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || !url.pathname.startsWith("/app/")) {
    return; // the API and everything else: straight to the network
  }
  if (request.mode === "navigate") {
    event.respondWith(pageFromNetwork(request));
    return;
  }
  event.respondWith(caches.open(CACHE).then((cache) => cache.match(request).then((hit) => hit || fetch(request))));
});
