/**
 * Open Badges 2.0 hosted documents for older backpacks: the Issuer Profile, a BadgeClass and an
 * award's Assertion (verification type "hosted": the assertion's own URL is its proof). A revoked
 * assertion answers `revoked: true` and its reason, with HTTP 410 (OB 2.0 §Hosted Verification).
 */
import { credentialId } from './credential';
import {
	badgeImageUrl,
	badgeTexts,
	communityName,
	evidenceParts,
	hashedIdentity,
	issuerUrls,
	type AwardRecord,
	type BadgeRow
} from './records';

export const OB2_CONTEXT = 'https://w3id.org/openbadges/v2';

/** The picture a BadgeClass shows when its badge has none (OB 2.0 requires one). */
const FALLBACK_IMAGE = '/icons/icon-512.png';

export function issuerV2(origin: string) {
	const urls = issuerUrls(origin);
	return {
		'@context': OB2_CONTEXT,
		type: 'Issuer',
		id: urls.profileV2,
		name: communityName(),
		url: origin,
		revocationList: urls.revocations
	};
}

export function badgeClassV2(badge: BadgeRow, origin: string) {
	const urls = issuerUrls(origin);
	return {
		'@context': OB2_CONTEXT,
		type: 'BadgeClass',
		id: urls.badgeClass(badge.id),
		name: badge.name,
		...badgeTexts(badge),
		image: badgeImageUrl(badge, origin) ?? `${origin}${FALLBACK_IMAGE}`,
		issuer: urls.profileV2
	};
}

/** The recipient: the hashed email, or the hashed profile URL for someone without one. */
function recipientOf(award: AwardRecord, origin: string) {
	const [type, identity] = award.email
		? ['email', award.email]
		: ['url', `${origin}/p/${award.personId}`];
	const { identityHash, salt } = hashedIdentity(identity, award.id);
	return { type, hashed: true, salt, identity: identityHash };
}

export type AssertionV2 =
	{ status: 200; body: Record<string, unknown> } | { status: 410; body: Record<string, unknown> };

export function assertionV2(award: AwardRecord, origin: string): AssertionV2 {
	const urls = issuerUrls(origin);
	const base = { '@context': OB2_CONTEXT, type: 'Assertion', id: urls.assertion(award.id) };
	if (award.revokedAt)
		return {
			status: 410,
			body: { ...base, revoked: true, revocationReason: award.revocationReason ?? '' }
		};
	const evidence = evidenceParts(award.evidence);
	return {
		status: 200,
		body: {
			...base,
			recipient: recipientOf(award, origin),
			badge: urls.badgeClass(award.badge.id),
			issuedOn: award.awardedAt.toISOString(),
			verification: { type: 'hosted' },
			...(evidence ? { evidence: { type: 'Evidence', ...evidence } } : {})
		}
	};
}

/**
 * The revoked awards: an OB 2.0 RevocationList of assertions, and the same awards as the OB 3.0
 * credential ids a credentialStatus (`#<award id>`) points at.
 */
export function revocationList(
	revoked: { id: string; reason: string | null; revokedAt: Date | null }[],
	origin: string
) {
	const urls = issuerUrls(origin);
	return {
		'@context': OB2_CONTEXT,
		id: urls.revocations,
		type: 'RevocationList',
		issuer: urls.profileV2,
		revokedAssertions: revoked.map((award) => ({
			id: urls.assertion(award.id),
			revocationReason: award.reason ?? ''
		})),
		revokedCredentials: revoked.map((award) => ({
			id: credentialId(award.id),
			revokedAt: award.revokedAt?.toISOString() ?? null,
			revocationReason: award.reason ?? ''
		}))
	};
}
