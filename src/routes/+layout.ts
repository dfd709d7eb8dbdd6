// The app is rendered on the device from IndexedDB, so it opens with no network at all.
// Server-rendered, shareable pages (a later (public) group) opt back in with `ssr = true`.
export const ssr = false;
