/**
 * Open Badges 3.0 documents: the issuer Profile, an Achievement, and an award's
 * OpenBadgeCredential, signed as a VC-JWT (OB 3.0 §8.2 "JSON Web Token Proof Format": the JWT
 * payload is the credential itself plus the claims iss = issuer.id, jti = id,
 * sub = credentialSubject.id and nbf = validFrom; the JOSE header holds only alg, kid — a URL
 * that dereferences to the public JWK — and typ "JWT").
 */
import { SignJWT, type JWK } from 'jose';
import type { Database } from '$lib/server/db';
import {
	ISSUER_ALGORITHM,
	ensureIssuerKey,
	importPrivateKey,
	issuerKeysOf,
	publishedJwk
} from './keys';
import {
	badgeImageUrl,
	badgeTexts,
	communityName,
	evidenceParts,
	hashedIdentity,
	issuerUrls,
	secondsPrecision,
	type AwardRecord,
	type BadgeRow
} from './records';

export const VC_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const CONTEXTS = [VC_CONTEXT, OB3_CONTEXT];
export const REVOCATION_LIST_TYPE = '1EdTechRevocationList';

export type OpenBadgeCredential = Record<string, unknown> & {
	id: string;
	issuer: { id: string; name: string };
	validFrom: string;
	validUntil?: string;
	name: string;
	credentialSubject: Record<string, unknown> & {
		id: string;
		achievement: { id: string; name: string };
	};
};

/** The issuer, as credentials embed it. */
export function issuerProfile(origin: string) {
	const urls = issuerUrls(origin);
	return { id: urls.profile, type: ['Profile'], name: communityName(), url: origin };
}

/** The issuer Profile document, with its public keys. */
export function issuerDocument(origin: string, keys: JWK[]) {
	const urls = issuerUrls(origin);
	return {
		'@context': CONTEXTS,
		...issuerProfile(origin),
		verificationMethod: keys.map((jwk) => ({
			id: urls.key(String(jwk.kid)),
			type: 'JsonWebKey',
			controller: urls.profile,
			publicKeyJwk: jwk
		}))
	};
}

export function achievementOf(badge: BadgeRow, origin: string) {
	const image = badgeImageUrl(badge, origin);
	return {
		id: issuerUrls(origin).achievement(badge.id),
		type: ['Achievement'],
		name: badge.name,
		...badgeTexts(badge),
		...(image ? { image: { id: image, type: 'Image' } } : {}),
		creator: issuerProfile(origin)
	};
}

export function credentialId(awardId: string): string {
	return `urn:uuid:${awardId}`;
}

/** The award id a credential id names, or null. */
export function awardIdOf(credentialIdValue: unknown): string | null {
	if (typeof credentialIdValue !== 'string') return null;
	const match = /^urn:uuid:([0-9a-f-]{36})$/i.exec(credentialIdValue);
	return match?.[1]?.toLowerCase() ?? null;
}

function buildCredential(award: AwardRecord, origin: string): OpenBadgeCredential {
	const urls = issuerUrls(origin);
	const evidence = evidenceParts(award.evidence);
	return {
		'@context': CONTEXTS,
		id: credentialId(award.id),
		type: ['VerifiableCredential', 'OpenBadgeCredential'],
		issuer: issuerProfile(origin),
		validFrom: secondsPrecision(award.awardedAt).iso,
		name: award.badge.name,
		credentialSubject: {
			id: `urn:uuid:${award.personId}`,
			type: ['AchievementSubject'],
			...(award.email
				? {
						identifier: [
							{
								type: 'IdentityObject',
								...hashedIdentity(award.email, award.id),
								identityType: 'emailAddress',
								hashed: true
							}
						]
					}
				: {}),
			achievement: achievementOf(award.badge, origin)
		},
		...(evidence ? { evidence: [{ ...evidence, type: ['Evidence'] }] } : {}),
		credentialStatus: { id: `${urls.revocations}#${award.id}`, type: REVOCATION_LIST_TYPE }
	};
}

/** The credential signed as a compact JWS by the issuer's key at `origin`. */
async function signCredential(
	db: Database,
	credential: OpenBadgeCredential,
	origin: string
): Promise<string> {
	const key = await ensureIssuerKey(db);
	return new SignJWT({ ...credential })
		.setProtectedHeader({ alg: ISSUER_ALGORITHM, kid: issuerUrls(origin).key(key.id), typ: 'JWT' })
		.setIssuer(credential.issuer.id)
		.setJti(credential.id)
		.setSubject(credential.credentialSubject.id)
		.setNotBefore(Math.floor(Date.parse(credential.validFrom) / 1000))
		.sign(await importPrivateKey(key));
}

/** The award's credential, built and signed: a VC-JWT. */
export async function issueCredential(
	db: Database,
	award: AwardRecord,
	origin: string
): Promise<string> {
	return signCredential(db, buildCredential(award, origin), origin);
}

/** The issuer's public keys as published (JWKS), made if there are none yet. */
export async function publicKeys(db: Database): Promise<JWK[]> {
	await ensureIssuerKey(db);
	return (await issuerKeysOf(db)).map(publishedJwk);
}

/** A file name for the download: the badge's slug, kept to safe characters, `.jwt`. */
export function credentialFileName(badge: BadgeRow): string {
	const slug = badge.slug.replace(/[^a-z0-9-]+/giu, '-').replace(/^-+|-+$/gu, '') || 'badge';
	return `${slug}.jwt`;
}
