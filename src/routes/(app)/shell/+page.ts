import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';

/**
 * The offline shell: prerendered once and precached by the service worker, which answers
 * every app navigation with it when offline; the router then renders the requested route.
 * Opened directly, it has nothing to show.
 */
export const prerender = true;

export function load() {
	redirect(307, resolve('/'));
}
