// Article Annotator's service worker: keeps a copy of the app's own files so that, after one
// visit, the app opens and works with the network off. It never touches the user's
// documents (those live in localStorage) and never talks to another origin.
//
// Strategy: the build's hashed files (a name ending in "-" and 16 hex digits: the main module,
// the parts and their chunks, the glue, the style sheets) never change under their name, so
// the copy answers them and the network is asked only for one it lacks: a returning visit
// downloads none of them again. Everything else (index.html, boot.js, the manifest) is
// network first, cache as fallback: while online it goes to the server as usual (so a new
// build, whose index.html names new hashed files, is picked up at once) and the answer
// refreshes the copy; offline the copy answers, and a page navigation falls back to the
// cached index.html.
//
// Versioning: the post_build hook `scripts/stamp-service-worker` replaces the two marked
// values below in dist/sw.js with a hash of every file of the build and the list of those
// files. A build with any different content therefore has a different sw.js, which the browser
// notices on the next visit; the new worker downloads the whole new build into a new cache
// ('install'), takes over, and deletes the caches of every other version ('activate').
// Unstamped (the hook did not run), the worker still works, with runtime caching only.

const BUILD_VERSION = /* stamped: build version */ 'unstamped';
const BUILD_FILES = /* stamped: build files */ [];

const CACHE_PREFIX = 'article-annotator-';
const CACHE_NAME = CACHE_PREFIX + BUILD_VERSION;
const SCOPE = self.registration.scope;
const INDEX_URL = new URL('./index.html', SCOPE).href;
const ALWAYS_PRECACHED = ['./', './index.html', './manifest.webmanifest'];
// A shared library's server (CouchDB at db/ on this origin): never cached, never answered from
// a cache, so shared documents stay out of Cache Storage and "offline" is seen as offline.
const SHARED_LIBRARY = new URL('./db/', SCOPE).href;

// A file of the build named by its content (scripts/build-wasm, Trunk): see "Strategy" above.
const HASHED = /-[0-9a-f]{16}\.(?:wasm|js|css)$/;

self.addEventListener('install', (event) => {
  event.waitUntil(precacheThisBuild().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(deleteOtherVersions().then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) {
    return; // not ours: the browser handles it (the CSP allows no other origin anyway)
  }
  if (request.url.startsWith(SHARED_LIBRARY)) {
    return; // the shared library's server: straight to the network
  }
  event.respondWith(HASHED.test(new URL(request.url).pathname) ? copyFirst(event) : networkFirst(event));
});

async function precacheThisBuild() {
  const cache = await caches.open(CACHE_NAME);
  const urls = [...new Set([...ALWAYS_PRECACHED, ...BUILD_FILES.map((file) => './' + file)])];
  // 'no-cache' revalidates with the server, so the copy is of this build, not of whatever the
  // HTTP cache held. addAll is all-or-nothing: a half-copied build never becomes the fallback.
  await cache.addAll(urls.map((url) => new Request(new URL(url, SCOPE), { cache: 'no-cache' })));
}

async function deleteOtherVersions() {
  const names = await caches.keys();
  await Promise.all(
    names
      .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME)
      .map((name) => caches.delete(name)),
  );
}

async function copyFirst(event) {
  const cache = await caches.open(CACHE_NAME);
  const cached = await cache.match(event.request);
  return cached || networkFirst(event);
}

async function networkFirst(event) {
  const request = event.request;
  try {
    const response = await fetch(request);
    const cacheable = response.ok && response.type === 'basic' && !response.redirected;
    if (cacheable && !request.headers.has('range')) {
      const copy = response.clone();
      event.waitUntil(caches.open(CACHE_NAME).then((cache) => cache.put(request, copy)));
    }
    return response;
  } catch (networkError) {
    const cache = await caches.open(CACHE_NAME);
    const cached =
      (await cache.match(request)) ||
      (request.mode === 'navigate' ? await cache.match(INDEX_URL) : undefined);
    if (cached) {
      return cached;
    }
    throw networkError;
  }
}
