/**
 * The refused-write path as a person meets it: a contribution the server cannot accept (its id
 * was already used on another device) is kept, shown under "Needs attention" with the reason,
 * and can be fixed and sent again from the quick log — it leaves the list only once the
 * correction is saved — or dismissed, which syncs too and stays dismissed after a reload.
 */
import { expect, test, type Page } from '@playwright/test';
import { localToday, logOnAnotherDevice, outboxCount, signUp, type GatherWindow } from './support';

/** Log a contribution through the app with a chosen id, as a device that reused it would. */
function logWithId(page: Page, id: string, description: string) {
	return page.evaluate(
		async ({ id, description, happenedOn }) => {
			await (window as unknown as GatherWindow).__gather.mutate('contribution.log', {
				id,
				area: 'events',
				activityType: 'organized_event',
				description,
				happenedOn,
				link: null
			});
		},
		{ id, description, happenedOn: localToday() }
	);
}

/** Another device of the same person already used `id` on the server. */
async function takenOnAnotherDevice(page: Page, id: string) {
	const answer = await logOnAnotherDevice(page.context(), {
		id,
		description: 'Logged on the laptop first'
	});
	expect(answer.applied).toBe(1);
}

test('a refused write is shown with its reason, then fixed and sent again, or dismissed', async ({
	browser
}) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signUp(context, page, 'Inés Navarro');

	const taken = crypto.randomUUID();
	await takenOnAnotherDevice(page, taken);
	await logWithId(page, taken, 'Ran the welcome desk');

	const attention = page.getByTestId('needs-attention');
	const refused = attention.getByRole('listitem').filter({ hasText: 'Ran the welcome desk' });
	await expect(refused).toBeVisible();
	await expect(refused).toContainText('This conflicts with something already saved.');
	await page.screenshot({ path: 'test-results/screenshots/needs-attention-en.png' });

	// Fix: the quick log opens filled in; the refusal stays listed until the correction saves.
	await refused.getByRole('link', { name: 'Fix and log again' }).click();
	await expect(page).toHaveURL(/\/log\?/);
	await expect(page.locator('#description')).toHaveValue('Ran the welcome desk');
	await page.goBack();
	await expect(refused).toBeVisible();
	await refused.getByRole('link', { name: 'Fix and log again' }).click();
	await page.locator('#description').fill('Ran the welcome desk, both days');
	await page.getByRole('button', { name: 'Save contribution' }).click();
	await expect(page.getByTestId('log-cta')).toBeVisible();
	await expect(attention).toHaveCount(0);
	await expect(
		page.getByTestId('contribution').filter({ hasText: 'Ran the welcome desk, both days' })
	).toBeVisible();
	await expect.poll(() => outboxCount(page), { timeout: 20_000 }).toBe(0);

	// Dismiss: gone at once, and still gone once the dismissal has synced and the page reloads.
	const second = crypto.randomUUID();
	await takenOnAnotherDevice(page, second);
	await logWithId(page, second, 'Printed the name badges');
	const another = page
		.getByTestId('needs-attention')
		.getByRole('listitem')
		.filter({ hasText: 'Printed the name badges' });
	await expect(another).toBeVisible();
	await another.getByRole('button', { name: 'Dismiss' }).click();
	await expect(page.getByTestId('needs-attention')).toHaveCount(0);
	await expect.poll(() => outboxCount(page), { timeout: 20_000 }).toBe(0);
	await page.reload();
	await expect(page.getByTestId('log-cta')).toBeVisible();
	await expect(page.getByTestId('needs-attention')).toHaveCount(0);
	await context.close();
});
