/**
 * The way back after signing in: the app shell sends a signed-out visitor to the welcome screen
 * with the page they opened (a link to an event's door) in `?next=`, and the welcome screen
 * returns there once they are in — only ever to a path of this site.
 */

const PARAM = 'next';

/** The welcome screen's address for someone who opened `from` (home needs no way back). */
export function welcomeFrom(from: URL, welcome: string, home: string): string {
	if (from.pathname === home || from.pathname === welcome) return welcome;
	return `${welcome}?${new URLSearchParams({ [PARAM]: `${from.pathname}${from.search}` })}`;
}

/**
 * The path the welcome screen at `url` was asked to return to, or null when there is none or
 * it is anything but a path of this site (another site, `//host`, `/\host`, a scheme).
 */
export function returnPath(url: URL): string | null {
	const next = url.searchParams.get(PARAM);
	if (!next?.startsWith('/')) return null;
	let target: URL;
	try {
		target = new URL(next, url.origin);
	} catch {
		return null;
	}
	if (target.origin !== url.origin) return null;
	return `${target.pathname}${target.search}${target.hash}`;
}
