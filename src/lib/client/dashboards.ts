/** The community dashboards the service worker kept for reading offline (vite.config.ts). */
export const DASHBOARDS_CACHE = 'gather-dashboards';

/** Signing out forgets them: they are the community's numbers, not for the next person here. */
export async function forgetDashboards(): Promise<void> {
	if (typeof caches === 'undefined') return;
	await caches.delete(DASHBOARDS_CACHE).catch(() => false);
}
