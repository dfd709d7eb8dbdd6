/**
 * Sign-in by email link: a random token, mailed as part of a link, kept only as its SHA-256,
 * valid for 15 minutes and once. Asking for a link answers the same whether or not the email
 * belongs to someone, and all that depends on it happens after the answer, so not even the
 * time taken tells.
 */
import { and, eq, gt, isNull, lt, or, isNotNull } from 'drizzle-orm';
import type { SessionPerson } from '$lib/domain/auth-api';
import { m } from '$lib/paraglide/messages';
import type { Locale } from '$lib/paraglide/runtime';
import type { Database } from '$lib/server/db';
import { emailTokens, people } from '$lib/server/db/schema';
import { AuthFailure } from './failure';
import type { Mailer } from './mailer';
import {
	hashToken,
	insertSession,
	issueSessionCookie,
	randomToken,
	sessionPersonColumns,
	toSessionPerson,
	type CookieJar
} from './session';

export const EMAIL_LINK_LIFETIME_MS = 15 * 60 * 1000;

/**
 * The landing page reads the token from the fragment, which browsers never send to a server:
 * it stays out of access logs and Referer headers, and only the page's own request spends it.
 */
export function emailLinkUrl(origin: string, token: string): string {
	return `${origin}/auth/email#token=${token}`;
}

export interface EmailLinkRequest {
	email: string;
	origin: string;
	locale: Locale;
}

/**
 * Make a link for the person with this email, if there is one, and hand it to the mailer.
 * Resolves before anything that depends on the email is done (looking the person up, storing
 * the token, sending), so the answer takes as long for a stranger's address as for a known one;
 * `delivery` settles once the mail has gone (failures are logged).
 */
export async function requestEmailLink(
	db: Database,
	request: EmailLinkRequest,
	mailer: Mailer
): Promise<{ delivery: Promise<void> }> {
	// Spent and expired tokens are swept here rather than by a timer: the servers keep no jobs.
	await db
		.delete(emailTokens)
		.where(or(lt(emailTokens.expiresAt, new Date()), isNotNull(emailTokens.usedAt)));
	const delivery = mailLink(db, request, mailer).catch((failure: unknown) =>
		console.error('sign-in email could not be sent', failure)
	);
	return { delivery };
}

async function mailLink(
	db: Database,
	{ email, origin, locale }: EmailLinkRequest,
	mailer: Mailer
): Promise<void> {
	const [person] = await db
		.select({ id: people.id })
		.from(people)
		.where(and(eq(people.email, email), eq(people.status, 'active')))
		.limit(1);
	if (!person) return;
	const token = randomToken();
	await db.insert(emailTokens).values({
		id: hashToken(token),
		personId: person.id,
		expiresAt: new Date(Date.now() + EMAIL_LINK_LIFETIME_MS)
	});
	const link = emailLinkUrl(origin, token);
	const minutes = EMAIL_LINK_LIFETIME_MS / 60_000;
	await mailer.send({
		to: email,
		subject: m.signin_email_subject({}, { locale }),
		text: m.signin_email_body({ link, minutes }, { locale })
	});
}

/** Spend the link's token and start a session; one answer for unknown, used and expired links. */
export async function verifyEmailLink(
	db: Database,
	cookies: CookieJar,
	token: string
): Promise<SessionPerson> {
	const result = await db.transaction(async (tx) => {
		// The conditions make the token single use even when two requests race.
		const [spent] = await tx
			.update(emailTokens)
			.set({ usedAt: new Date() })
			.where(
				and(
					eq(emailTokens.id, hashToken(token)),
					isNull(emailTokens.usedAt),
					gt(emailTokens.expiresAt, new Date())
				)
			)
			.returning({ personId: emailTokens.personId });
		if (!spent) return null;
		const [person] = await tx
			.select(sessionPersonColumns)
			.from(people)
			.where(and(eq(people.id, spent.personId), eq(people.status, 'active')))
			.limit(1);
		if (!person) return null;
		return { person, session: await insertSession(tx, person.id) };
	});
	if (!result) {
		throw new AuthFailure('link_invalid', 'This sign-in link has expired or was used already');
	}
	issueSessionCookie(cookies, result.session);
	return toSessionPerson(result.person);
}
