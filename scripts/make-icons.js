/**
 * Renders static/favicon.svg into the PNG icons of the web manifest with Debian's Chromium.
 * Run after changing the logo: `node scripts/make-icons.js`.
 */
import { readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';

const svg = readFileSync('static/favicon.svg', 'utf8');
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu']
});
const page = await browser.newPage();

async function render(size, padding, file, background) {
	await page.setViewportSize({ width: size, height: size });
	const inner = size - padding * 2;
	await page.setContent(
		`<body style="margin:0;background:${background}"><div style="padding:${padding}px;width:${inner}px;height:${inner}px">${svg.replace('<svg ', `<svg width="${inner}" height="${inner}" `)}</div></body>`
	);
	await page.screenshot({
		path: `static/icons/${file}`,
		omitBackground: background === 'transparent'
	});
}

await render(192, 0, 'icon-192.png', 'transparent');
await render(512, 0, 'icon-512.png', 'transparent');
// Maskable: the logo inside the 80% safe zone on a full-bleed background.
await render(512, 64, 'icon-maskable-512.png', '#1f5f5b');
await browser.close();
