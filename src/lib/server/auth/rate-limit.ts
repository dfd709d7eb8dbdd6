/**
 * Brute-force limits on sign-in: a fixed window of attempts per key (an action and an IP
 * address, or an action and an account). The count lives in `rate_limits` and moves with one
 * atomic upsert timed by the database's clock, so every app server shares the same windows.
 */
import { lt, sql } from 'drizzle-orm';
import { m } from '$lib/paraglide/messages';
import type { Executor } from './session';
import { rateLimits } from '$lib/server/db/schema';
import { RateLimited } from './failure';

export interface RateRule {
	/** Attempts allowed within one window. */
	limit: number;
	windowSeconds: number;
}

const MINUTE = 60;

/** The limits, per action: generous for people, useless for guessing. */
export const RATE_RULES = {
	/** Passkey sign-in verification (a signature cannot be guessed; this stops hammering). */
	signInPerIp: { limit: 30, windowSeconds: 5 * MINUTE },
	signInPerCredential: { limit: 10, windowSeconds: 5 * MINUTE },
	/** Recovery-code sign-in. */
	recoveryPerIp: { limit: 10, windowSeconds: 15 * MINUTE },
	recoveryPerAccount: { limit: 5, windowSeconds: 15 * MINUTE },
	/** Email sign-in link requests (each one can send an email). */
	emailLinkPerIp: { limit: 10, windowSeconds: 15 * MINUTE },
	emailLinkPerAccount: { limit: 3, windowSeconds: 15 * MINUTE },
	/** Registering on an event's public page (it makes people, sends nothing). */
	eventRegistrationPerIp: { limit: 20, windowSeconds: 15 * MINUTE },
	eventRegistrationPerEmail: { limit: 5, windowSeconds: 15 * MINUTE },
	/** Checking an Open Badges credential on /verify (each check reads the database). */
	credentialVerificationPerIp: { limit: 60, windowSeconds: 15 * MINUTE }
} as const satisfies Record<string, RateRule>;

/** Windows are swept once they are this old: longer than any rule's window. */
const SWEEP_AFTER = '1 day';

export interface Attempt {
	key: string;
	rule: RateRule;
}

export interface Hit {
	attempts: number;
	/** Seconds until the key's window ends. */
	retryAfterSeconds: number;
	allowed: boolean;
}

/** Count one attempt for `key` in its current window (a new one once the last has ended). */
export async function hit(db: Executor, key: string, rule: RateRule): Promise<Hit> {
	const windowLength = sql`make_interval(secs => ${rule.windowSeconds}::int)`;
	const expired = sql`${rateLimits.windowStart} + ${windowLength} <= now()`;
	const [row] = await db
		.insert(rateLimits)
		.values({ key, windowStart: sql`now()`, attempts: 1 })
		.onConflictDoUpdate({
			target: rateLimits.key,
			set: {
				// Both read the stored row: an ended window starts again at this attempt.
				windowStart: sql`case when ${expired} then now() else ${rateLimits.windowStart} end`,
				attempts: sql`case when ${expired} then 1 else ${rateLimits.attempts} + 1 end`
			}
		})
		.returning({
			attempts: rateLimits.attempts,
			retryAfterSeconds: sql<number>`greatest(1, ceil(extract(epoch from ${rateLimits.windowStart} + ${windowLength} - now())))::int`
		});
	if (!row) throw new Error('rate limit upsert returned no row');
	if (row.attempts === 1) {
		// A new window: the moment to sweep windows long gone (no timers on the servers).
		await db
			.delete(rateLimits)
			.where(lt(rateLimits.windowStart, sql`now() - ${SWEEP_AFTER}::interval`));
	}
	return {
		attempts: row.attempts,
		retryAfterSeconds: Number(row.retryAfterSeconds),
		allowed: row.attempts <= rule.limit
	};
}

/**
 * Count an attempt against every key (an IP and an account, say); throws RateLimited when
 * any key is over its limit, with the longest wait. Every key is counted either way.
 */
export async function enforceRateLimits(db: Executor, attempts: Attempt[]): Promise<void> {
	let wait = 0;
	for (const { key, rule } of attempts) {
		const result = await hit(db, key, rule);
		if (!result.allowed) wait = Math.max(wait, result.retryAfterSeconds);
	}
	if (wait > 0) {
		throw new RateLimited(m.signin_rate_limited({ minutes: Math.ceil(wait / MINUTE) }), wait);
	}
}

/** The keys each limited action counts: one per client address, one per account. */
export const limitedAttempts = {
	signIn: (ip: string, credentialId: string): Attempt[] => [
		{ key: `signin:ip:${ip}`, rule: RATE_RULES.signInPerIp },
		{ key: `signin:credential:${credentialId}`, rule: RATE_RULES.signInPerCredential }
	],
	recovery: (ip: string, email: string): Attempt[] => [
		{ key: `recovery:ip:${ip}`, rule: RATE_RULES.recoveryPerIp },
		{ key: `recovery:email:${email}`, rule: RATE_RULES.recoveryPerAccount }
	],
	emailLink: (ip: string, email: string): Attempt[] => [
		{ key: `email-link:ip:${ip}`, rule: RATE_RULES.emailLinkPerIp },
		{ key: `email-link:email:${email}`, rule: RATE_RULES.emailLinkPerAccount }
	],
	/** A guest's email counts too; a signed-in member has none to give. */
	eventRegistration: (ip: string, email: string | null): Attempt[] => [
		{ key: `event-register:ip:${ip}`, rule: RATE_RULES.eventRegistrationPerIp },
		...(email
			? [{ key: `event-register:email:${email}`, rule: RATE_RULES.eventRegistrationPerEmail }]
			: [])
	],
	credentialVerification: (ip: string): Attempt[] => [
		{ key: `verify-credential:ip:${ip}`, rule: RATE_RULES.credentialVerificationPerIp }
	]
};
