/**
 * How Gather drives a browser, for the end-to-end tests and the benchmarks alike: Debian's
 * Chromium (never a downloaded one), with the flags this kind of machine needs.
 */
export const chromiumLaunchOptions = {
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: [
		'--no-sandbox',
		'--disable-gpu',
		'--disable-quic',
		'--no-first-run',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync'
	]
};
