/**
 * Builders for the people specs: every kind of row about a person (people themselves, events,
 * badges and groups come from testing/fixtures.ts).
 */
import { newId } from '$lib/domain/ids';
import type { Database, Transaction } from '$lib/server/db';
import {
	awards,
	checkIns,
	contributions,
	credentials,
	devices,
	emailTokens,
	recoveryCodes,
	registrations,
	rejectedMutations,
	sessions
} from '$lib/server/db/schema';
import { currentVersion, nextVersion } from '$lib/server/db/versions';

/** Run `write` in one transaction with its own version, as every server write does. */
export function written<Result>(
	db: Database,
	write: (tx: Transaction, version: number) => Promise<Result>
): Promise<Result> {
	return db.transaction(async (tx) => write(tx, await nextVersion(tx)));
}

export function addContribution(db: Database, personId: string, id = newId()): Promise<string> {
	return written(db, async (tx, version) => {
		await tx.insert(contributions).values({
			id,
			personId,
			area: 'localization',
			activityType: 'translated',
			description: `Translated batch ${id.slice(-4)}`,
			happenedOn: '2025-05-01',
			createdAt: new Date('2025-05-01T10:00:00Z'),
			version
		});
		return id;
	});
}

export function addRegistration(
	db: Database,
	eventId: string,
	personId: string,
	status: 'registered' | 'waitlisted' | 'cancelled' | 'revoked' = 'registered'
): Promise<string> {
	const id = newId();
	return written(db, async (tx, version) => {
		await tx
			.insert(registrations)
			.values({ id, eventId, personId, status, ticketCode: `TICKET-${id}`, version });
		return id;
	});
}

export function addCheckIn(
	db: Database,
	eventId: string,
	personId: string,
	facts: { checkedInAt: string; recordedBy: string; deviceIds: string[] }
): Promise<void> {
	// Each device admitted them at that time, by search (as a door records it).
	const admissions = facts.deviceIds.map((deviceId) => ({
		deviceId,
		deviceName: '',
		recordedBy: facts.recordedBy,
		at: new Date(facts.checkedInAt).toISOString(),
		method: 'search' as const
	}));
	return written(db, async (tx, version) => {
		await tx.insert(checkIns).values({
			eventId,
			personId,
			recordedBy: facts.recordedBy,
			admissions,
			checkedInAt: new Date(facts.checkedInAt),
			version
		});
	});
}

export function addAward(
	db: Database,
	badgeId: string,
	personId: string,
	facts: { awardedAt: string; awardedBy: string | null; evidence?: string | null }
): Promise<void> {
	return written(db, async (tx, version) => {
		await tx.insert(awards).values({
			badgeId,
			personId,
			awardedAt: new Date(facts.awardedAt),
			awardedBy: facts.awardedBy,
			evidence: facts.evidence ?? null,
			version
		});
	});
}

/** A passkey, a session, a registered device, a recovery code and an email link for the person. */
export function addSignInMeans(
	db: Database,
	personId: string,
	deviceId = newId()
): Promise<{ credentialId: string; sessionId: string; deviceId: string }> {
	const credentialId = `credential-${newId()}`;
	const sessionId = `session-${newId()}`;
	return written(db, async (tx) => {
		await tx.insert(credentials).values({
			id: credentialId,
			personId,
			publicKey: 'key',
			deviceType: 'singleDevice'
		});
		await tx
			.insert(sessions)
			.values({ id: sessionId, personId, expiresAt: new Date(Date.now() + 86_400_000) });
		await tx.insert(devices).values({ id: deviceId, personId });
		await tx.insert(recoveryCodes).values({ id: `code-${newId()}`, personId });
		await tx
			.insert(emailTokens)
			.values({ id: `token-${newId()}`, personId, expiresAt: new Date(Date.now() + 600_000) });
		return { credentialId, sessionId, deviceId };
	});
}

export function addRejection(db: Database, personId: string, deviceId: string): Promise<string> {
	const id = newId();
	return written(db, async (tx, version) => {
		await tx.insert(rejectedMutations).values({
			id,
			personId,
			deviceId,
			mutationId: 1,
			name: 'contribution.log',
			args: {},
			reason: 'invalid',
			version
		});
		return id;
	});
}

/** The last version handed out, read outside any transaction. */
export function headVersion(db: Database): Promise<number> {
	return db.transaction((tx) => currentVersion(tx));
}
