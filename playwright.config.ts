import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './tests/chromium';

const PORT = Number(process.env.E2E_PORT ?? 4319);
const ORIGIN = `http://localhost:${PORT}`;

/**
 * End-to-end tests drive the built app (adapter-node, embedded PGlite in a throwaway folder)
 * in Debian's Chromium — never a downloaded browser.
 */
export default defineConfig({
	testDir: 'tests',
	testMatch: '**/*.e2e.ts',
	outputDir: 'test-results',
	workers: 1,
	timeout: 90_000,
	expect: { timeout: 15_000 },
	reporter: process.env.CI ? 'list' : [['list']],
	use: {
		baseURL: ORIGIN,
		serviceWorkers: 'allow',
		viewport: { width: 360, height: 780 },
		launchOptions: chromiumLaunchOptions
	},
	webServer: {
		command: 'rm -rf tests/.output/pglite && VITE_TEST_HOOKS=1 npm run build && node build',
		url: `${ORIGIN}/api/auth/me`,
		env: {
			PORT: String(PORT),
			ORIGIN,
			PGLITE_DIR: 'tests/.output/pglite',
			GATHER_SEED: 'on',
			// POST /api/test/signin: tests act as seeded people (the admin, an organizer).
			GATHER_TEST_SIGNIN: 'on'
		},
		reuseExistingServer: false,
		timeout: 240_000,
		stdout: 'pipe'
	}
});
