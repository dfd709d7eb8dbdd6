/**
 * Verifying a presented Open Badges 3.0 credential (OB 3.0 §8.2.4 "Verify a Credential"): the
 * signature with the issuer key its header names, the claims against the credential, its
 * validity window, then the award's revocation in the database. Any input — the VC-JWT (as
 * downloaded, a `.jwt` file) or garbage — answers a result, never throws.
 */
import { decodeJwt, decodeProtectedHeader, errors, importJWK, jwtVerify } from 'jose';
import { RateLimited } from '$lib/server/auth/failure';
import { enforceRateLimits, limitedAttempts } from '$lib/server/auth/rate-limit';
import type { Database } from '$lib/server/db';
import { awardIdOf, issueCredential, type OpenBadgeCredential } from './credential';
import { ISSUER_ALGORITHM, issuerKeysOf } from './keys';
import { issuerUrls, readAward, type AwardRecord } from './records';

/** What the page shows about a credential whose signature checked out. */
export interface VerifiedDetails {
	awardId: string;
	badgeId: string | null;
	badgeName: string;
	issuerName: string;
	/** Shown only when the earner's privacy lets anyone see their name. */
	earnerName: string | null;
	validFrom: string;
	validUntil: string | null;
	revokedAt: string | null;
	revocationReason: string | null;
}

export type VerifyResult =
	| { outcome: 'valid' | 'not_yet_valid' | 'expired' | 'revoked'; details: VerifiedDetails }
	| { outcome: 'signature_invalid' | 'unknown_issuer' | 'unreadable'; details: null };

/** Longest input read: a credential is a few kilobytes. */
const MAX_CREDENTIAL_CHARS = 100_000;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/u;

function failed(outcome: 'signature_invalid' | 'unknown_issuer' | 'unreadable'): VerifyResult {
	return { outcome, details: null };
}

function isCredential(value: Record<string, unknown>): value is OpenBadgeCredential {
	const issuer = value.issuer as { id?: unknown } | undefined;
	const subject = value.credentialSubject as { id?: unknown; achievement?: unknown } | undefined;
	return (
		typeof value.id === 'string' &&
		typeof issuer?.id === 'string' &&
		typeof value.validFrom === 'string' &&
		typeof subject?.id === 'string' &&
		typeof subject.achievement === 'object' &&
		subject.achievement !== null
	);
}

function details(
	credential: OpenBadgeCredential,
	awardId: string,
	award: AwardRecord | null
): VerifiedDetails {
	return {
		awardId,
		badgeId: award?.badge.id ?? null,
		badgeName: award?.badge.name ?? credential.credentialSubject.achievement.name,
		issuerName: String(credential.issuer.name ?? ''),
		earnerName: award?.publicName ?? null,
		validFrom: credential.validFrom,
		validUntil: credential.validUntil ?? null,
		revokedAt: award?.revokedAt?.toISOString() ?? null,
		revocationReason: award?.revocationReason ?? null
	};
}

/** Verify a presented credential, as of `now`, against this site's issuer at `origin`. */
export async function verifyCredential(
	db: Database,
	input: string,
	origin: string,
	now: Date = new Date()
): Promise<VerifyResult> {
	const jwt = input.trim();
	if (jwt.length > MAX_CREDENTIAL_CHARS || !COMPACT_JWS.test(jwt)) return failed('unreadable');
	let kid: string | undefined;
	let claims: Record<string, unknown>;
	try {
		const header = decodeProtectedHeader(jwt);
		kid = header.kid;
		claims = decodeJwt(jwt);
	} catch {
		return failed('unreadable');
	}
	const urls = issuerUrls(origin);
	if (claims.iss !== urls.profile || !kid?.startsWith(urls.key('')))
		return failed('unknown_issuer');
	const thumbprint = kid.slice(urls.key('').length);
	const key = (await issuerKeysOf(db)).find((candidate) => candidate.id === thumbprint);
	if (!key) return failed('unknown_issuer');

	try {
		// Times are judged below from the credential's own validFrom/validUntil.
		await jwtVerify(jwt, await importJWK(key.publicJwk, ISSUER_ALGORITHM), {
			algorithms: [ISSUER_ALGORITHM],
			issuer: urls.profile,
			currentDate: new Date(0),
			clockTolerance: Number.MAX_SAFE_INTEGER
		});
	} catch (caught) {
		if (caught instanceof errors.JWSSignatureVerificationFailed) return failed('signature_invalid');
		if (caught instanceof errors.JOSEAlgNotAllowed) return failed('signature_invalid');
		return failed('unreadable');
	}

	// The claims must restate the credential (§8.2.4.1).
	if (!isCredential(claims)) return failed('unreadable');
	const credential = claims;
	const validFrom = Date.parse(credential.validFrom);
	if (
		claims.jti !== credential.id ||
		claims.iss !== credential.issuer.id ||
		claims.sub !== credential.credentialSubject.id ||
		typeof claims.nbf !== 'number' ||
		claims.nbf * 1000 !== validFrom
	)
		return failed('unreadable');
	const awardId = awardIdOf(credential.id);
	if (!awardId) return failed('unreadable');

	const award = await readAward(db, awardId);
	const shown = details(credential, awardId, award);
	if (!award || award.revokedAt) return { outcome: 'revoked', details: shown };
	if (Number.isNaN(validFrom) || validFrom > now.getTime())
		return { outcome: 'not_yet_valid', details: shown };
	const validUntil = credential.validUntil ? Date.parse(credential.validUntil) : null;
	const expClaim = typeof claims.exp === 'number' ? claims.exp * 1000 : null;
	const ends = [validUntil, expClaim].filter((value): value is number => value !== null);
	if (ends.some((end) => Number.isNaN(end) || end <= now.getTime()))
		return { outcome: 'expired', details: shown };
	return { outcome: 'valid', details: shown };
}

/** A shared award link: its credential issued afresh and put through the same checks. */
export async function checkAward(
	db: Database,
	award: AwardRecord,
	origin: string
): Promise<VerifyResult> {
	return verifyCredential(db, await issueCredential(db, award, origin), origin);
}

/** What the /verify form answers: a result, nothing presented, or too many checks. */
export type PresentedCheck =
	{ status: 200; result: VerifyResult } | { status: 400 } | { status: 429; limited: string };

/** The credential presented on /verify — the uploaded file if there is one, else the pasted text. */
async function presented(form: FormData): Promise<string | null> {
	const file = form.get('file');
	if (file instanceof File && file.size > 0) {
		if (file.size > MAX_CREDENTIAL_CHARS) return '';
		return file.text().catch(() => '');
	}
	const text = form.get('credential');
	return typeof text === 'string' && text.trim() ? text.slice(0, MAX_CREDENTIAL_CHARS + 1) : null;
}

/** The /verify form's check, limited per address. */
export async function checkPresented(
	db: Database,
	form: FormData,
	ip: string,
	origin: string
): Promise<PresentedCheck> {
	const input = await presented(form);
	if (input === null) return { status: 400 };
	try {
		await enforceRateLimits(db, limitedAttempts.credentialVerification(ip));
	} catch (caught) {
		if (!(caught instanceof RateLimited)) throw caught;
		return { status: 429, limited: caught.message };
	}
	return { status: 200, result: await verifyCredential(db, input, origin) };
}
