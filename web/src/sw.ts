// The service worker: the page's own files from the network when it answers, else from the last
// copy, so that a reload without a network still shows the chats stored in IndexedDB.

const CACHE = "checkmark-page";
const PAGE_FILES = ["./", "index.html", "app.js", "app.css", "config.json"];

interface ExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void;
}

interface FetchEvent extends Event {
  request: Request;
  respondWith(response: Promise<Response>): void;
}

const worker = self as unknown as {
  location: Location;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: "install" | "activate", listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: "fetch", listener: (event: FetchEvent) => void): void;
};

worker.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // One file missing (config.json before it is uploaded) must not keep the others out.
      .then((cache) => Promise.all(PAGE_FILES.map((file) => cache.add(file).catch(() => undefined))))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener("activate", (event) => event.waitUntil(worker.clients.claim()));

worker.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== worker.location.origin) {
    return;
  }
  event.respondWith(
    fetch(event.request).then(
      async (response) => {
        if (response.ok) {
          await (await caches.open(CACHE)).put(event.request, response.clone());
        }
        return response;
      },
      async () => (await caches.match(event.request, { ignoreSearch: true })) ?? Response.error(),
    ),
  );
});
