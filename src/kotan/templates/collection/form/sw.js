/* SI-KOTAN service worker: keeps the offline questionnaire pages and their static files on
   the device. Answers are never here: they live in IndexedDB (offline.js), which no update
   of this worker touches. One cache without a version, so an update never drops a page a
   field officer still needs offline; entries are refreshed whenever the network answers. */
// SI-KOTAN {{ version }}
'use strict';
const CACHE = 'kotan-luring';
// The offline questionnaires and the enumerator's list of assignments (its outbox view).
const PAGE = /^\/((isi\/[^/]+|pengisian\/\d+\/[^/]+)\/luring\/|pengisian\/)$/;
const NETWORK_TIMEOUT_MS = 4000;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
                 (error) => { clearTimeout(timer); reject(error); });
  });
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (response.ok && !response.redirected) {
      await cache.put(request, response.clone());
      return response;
    }
    if (response.redirected) return response;  // e.g. to the login page: never kept as the form
    // A link that is used up or closed still opens on a device that has used it, so its
    // outbox and receipt numbers stay in view; the server refuses anything new it sends.
    return (await cache.match(request, { ignoreSearch: true })) || response;
  } catch (error) {
    const cached = await cache.match(request, { ignoreSearch: true });
    if (cached) return cached;
    throw error;
  }
}

async function staleWhileRevalidate(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(event.request);
  const refresh = fetch(event.request).then((response) => {
    if (response.ok) cache.put(event.request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(refresh.catch(() => undefined));
    return cached;
  }
  return refresh;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;  // submissions always go to the network
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (PAGE.test(url.pathname)) event.respondWith(networkFirst(request));
  else if (url.pathname.startsWith('/static/')) event.respondWith(staleWhileRevalidate(event));
});
