import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			emitTsDeclarations: true,
			// The offline app has no per-locale URLs: the choice lives in a cookie, read on both sides.
			// Keep in step with the `i18n` script in package.json (used by lint and check).
			strategy: ['cookie', 'preferredLanguage', 'baseLocale']
		}),
		sveltekit(),
		// The service worker is a build artefact; Vitest has no use for it (and it keeps the process alive).
		!process.env.VITEST &&
			SvelteKitPWA({
				strategies: 'generateSW',
				// The user decides when a new version takes over (no silent skipWaiting).
				registerType: 'prompt',
				// Registered by src/lib/client/state/pwa.svelte.ts through workbox-window.
				injectRegister: false,
				manifest: {
					id: '/',
					name: 'Gather',
					short_name: 'Gather',
					description: 'Your volunteer community, in your pocket — online or off.',
					start_url: '/',
					scope: '/',
					display: 'standalone',
					orientation: 'portrait',
					background_color: '#fbf8f3',
					theme_color: '#1f5f5b',
					icons: [
						{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
						{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
						{
							src: '/icons/icon-maskable-512.png',
							sizes: '512x512',
							type: 'image/png',
							purpose: 'maskable'
						}
					]
				},
				workbox: {
					globPatterns: [
						'client/**/*.{js,css,ico,png,svg,webp,woff,woff2,webmanifest,wasm}',
						'prerendered/**/*.{html,json}'
					],
					// Every app route is rendered in the browser: offline, a navigation gets the shell.
					navigateFallback: '/shell',
					// /api is never answered by the worker: no navigation fallback, no runtime caching
					// (none is configured), so sync requests and the change feed's event stream go
					// straight to the network, and offline they fail as the sync engine expects.
					// /auth (email sign-in links) and /p (public profiles) are rendered by the server.
					// /e (public event pages, their .ics) and /events.ics (the calendar feed) too, and
					// Open Badges (/ob: credentials, hosted assertions, issuer) with their public
					// verification pages (/verify), and the community dashboards (/dashboard).
					navigateFallbackDenylist: [
						/^\/api\//,
						/^\/auth\//,
						/^\/p\//,
						/^\/e\//,
						/^\/events\.ics(\?|$)/,
						// Workbox matches the path with its query: /verify?… and /dashboard?area=… must not
						// get the shell.
						/^\/ob(\/|\?|$)/,
						/^\/verify(\/|\?|$)/,
						/^\/dashboard(\/|\?|$)/
					],
					// Dashboards are rendered by the server; the last one seen is kept for reading
					// offline (network first). Signing out empties this cache.
					runtimeCaching: [
						{
							urlPattern: ({ request, url }) =>
								request.mode === 'navigate' && /^\/dashboard(\/|$)/.test(url.pathname),
							handler: 'NetworkFirst',
							options: {
								cacheName: 'gather-dashboards',
								networkTimeoutSeconds: 8,
								expiration: { maxEntries: 30 }
							}
						}
					],
					// The barcode reader's WebAssembly (zxing-wasm, ~1.1 MB) works offline at the door.
					maximumFileSizeToCacheInBytes: 3 * 1024 * 1024,
					cleanupOutdatedCaches: true,
					// Background Sync: asks open windows to sync when connectivity returns (a hint only).
					importScripts: ['sw-sync.js']
				},
				devOptions: { enabled: false }
			})
	],
	test: {
		expect: { requireAssertions: true },
		projects: [
			{
				extends: './vite.config.ts',
				test: {
					name: 'unit',
					environment: 'node',
					include: ['src/**/*.{test,spec}.ts'],
					exclude: ['src/lib/server/**']
				}
			},
			{
				extends: './vite.config.ts',
				test: {
					name: 'server',
					environment: 'node',
					include: ['src/lib/server/**/*.{test,spec}.ts'],
					// PGlite start-up and real PostgreSQL are slow-ish; keep one file at a time per worker.
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			}
		]
	}
});
