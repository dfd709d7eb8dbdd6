/**
 * Open Badges: an award's OB 3.0 credential verifies with an independent verifier (jose's
 * jwtVerify against the key published at /ob/issuer/jwks.json, not verify.ts) and matches the
 * official OB 3.0 JSON Schema; verify.ts answers every outcome (tampered, revoked, unknown
 * issuer, garbage); the OB 2.0 hosted assertion has its required fields and answers 410 once
 * revoked; only the earner or an admin downloads the credential.
 */
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { eq } from 'drizzle-orm';
import {
	createLocalJWKSet,
	decodeProtectedHeader,
	jwtVerify,
	SignJWT,
	generateKeyPair
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { newId } from '$lib/domain/ids';
import type { DatabaseHandle } from '$lib/server/db';
import { awards, badges, issuerKeys } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { createTestDatabase } from '$lib/server/testing/database';
import { addBadge, addPersonWithProfile } from '$lib/server/testing/fixtures';
import {
	callRoute,
	localsOf,
	requestEvent,
	serveEndpointsFrom,
	SPEC_ORIGIN
} from '$lib/server/testing/routes';
import { GET as getAssertion } from '../../../routes/ob/assertions/[awardId]/+server';
import { GET as getAchievement } from '../../../routes/ob/badges/[id]/+server';
import { GET as getImage } from '../../../routes/ob/badges/[id]/image/+server';
import { GET as getCredential } from '../../../routes/ob/credentials/[awardId]/+server';
import { GET as getIssuer } from '../../../routes/ob/issuer/+server';
import { GET as getJwks } from '../../../routes/ob/issuer/jwks.json/+server';
import { GET as getKey } from '../../../routes/ob/issuer/keys/[kid]/+server';
import { GET as getRevocations } from '../../../routes/ob/revocations/+server';
import { GET as getBadgeClass } from '../../../routes/ob/v2/badges/[id]/+server';
import { GET as getIssuerV2 } from '../../../routes/ob/v2/issuer/+server';
import { actions as verifyActions } from '../../../routes/verify/+page.server';
import { load as loadAwardCheck } from '../../../routes/verify/[awardId]/+page.server';
import { ensureIssuerKey, importPrivateKey } from './keys';
import officialSchema from './schema/ob_v3p0_achievementcredential_schema.json';
import { verifyCredential } from './verify';

let handle: DatabaseHandle;
let earner: Actor;
let stranger: Actor;
let admin: Actor;
let badgeId: string;

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const AWARDED_AT = new Date('2026-03-14T09:26:53.589Z');

beforeAll(async () => {
	handle = await createTestDatabase();
	serveEndpointsFrom(handle);
	earner = await addPersonWithProfile(handle.db, {
		displayName: 'Amina Public',
		email: 'Amina@Example.org',
		privacy: { displayName: 'public' } as never
	});
	stranger = await addPersonWithProfile(handle.db);
	admin = await addPersonWithProfile(handle.db, { roles: ['admin'] });
	badgeId = await addBadge(handle.db);
	await handle.db
		.update(badges)
		.set({
			name: 'First translation',
			slug: 'first-translation',
			description: 'Translated a page of the docs.',
			criteria: 'Translate one page.',
			image: `data:image/png;base64,${PNG.toString('base64')}`
		})
		.where(eq(badges.id, badgeId));
});

afterAll(() => handle?.close());

async function addAward(
	personId: string,
	values: Partial<typeof awards.$inferInsert> = {}
): Promise<string> {
	const id = newId();
	const badge = values.badgeId ?? (await addBadge(handle.db));
	await handle.db.transaction(async (tx) => {
		const version = await nextVersion(tx);
		await tx.insert(awards).values({
			id,
			badgeId: badge,
			personId,
			awardedAt: AWARDED_AT,
			evidence: 'https://docs.example.org/pull/42',
			...values,
			version
		});
	});
	return id;
}

/** The official OB 3.0.3 JSON Schema (schema/README.md), and its parts by name. */
function credentialValidator() {
	const ajv = new Ajv2019({ strict: false, allErrors: true });
	addFormats(ajv);
	ajv.addSchema(officialSchema);
	return {
		credential: ajv.compile({ $ref: officialSchema.$id }),
		part: (name: string) => ajv.compile({ $ref: `${officialSchema.$id}#/$defs/${name}` })
	};
}

/** The claims of a token, and the token re-signed by the issuer's own key with some changed. */
async function resigned(jwt: string, change: (claims: Record<string, unknown>) => void) {
	const claims = JSON.parse(Buffer.from(String(jwt.split('.')[1]), 'base64url').toString());
	change(claims);
	const key = await ensureIssuerKey(handle.db);
	return new SignJWT(claims)
		.setProtectedHeader({
			alg: 'EdDSA',
			kid: `${SPEC_ORIGIN}/ob/issuer/keys/${key.id}`,
			typ: 'JWT'
		})
		.sign(await importPrivateKey(key));
}

async function downloadJwt(awardId: string, actor: Actor | null = earner): Promise<Response> {
	return callRoute(getCredential, {
		url: `/ob/credentials/${awardId}`,
		params: { awardId },
		locals: localsOf(actor)
	});
}

async function publishedJwks() {
	const response = await callRoute(getJwks, { url: '/ob/issuer/jwks.json' });
	expect(response.status).toBe(200);
	return (await response.json()) as { keys: Record<string, unknown>[] };
}

describe('the issuer key', () => {
	it('is made once, even when asked for at the same time', async () => {
		const keys = await Promise.all([1, 2, 3].map(() => ensureIssuerKey(handle.db)));
		const rows = await handle.db.select().from(issuerKeys);
		expect(new Set(keys.map((key) => key.id)).size).toBe(1);
		expect(rows.map((row) => row.id)).toContain(keys[0]?.id);
		const { keys: published } = await publishedJwks();
		for (const jwk of published) {
			expect(jwk).not.toHaveProperty('d');
			expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
		}
	});

	it('is in the issuer profile and at the URL a kid names', async () => {
		const profile = await (await callRoute(getIssuer, { url: '/ob/issuer' })).json();
		expect(profile).toMatchObject({
			id: `${SPEC_ORIGIN}/ob/issuer`,
			type: ['Profile'],
			name: 'Gather community'
		});
		const [method] = profile.verificationMethod;
		expect(method.publicKeyJwk).not.toHaveProperty('d');
		const kid = String(method.publicKeyJwk.kid);
		const key = await callRoute(getKey, { url: `/ob/issuer/keys/${kid}`, params: { kid } });
		expect(await key.json()).toEqual(method.publicKeyJwk);
		const missing = await callRoute(getKey, {
			url: '/ob/issuer/keys/nope',
			params: { kid: 'nope' }
		});
		expect(missing.status).toBe(404);
	});
});

describe('the OB 3.0 credential', () => {
	it('verifies with an independent verifier and the published key', async () => {
		const awardId = await addAward(earner.personId, { badgeId });
		const response = await downloadJwt(awardId);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-disposition')).toBe(
			'attachment; filename="first-translation.jwt"'
		);
		const jwt = await response.text();

		const header = decodeProtectedHeader(jwt);
		expect(header).toEqual({ alg: 'EdDSA', kid: expect.any(String), typ: 'JWT' });
		expect(header.kid).toMatch(new RegExp(`^${SPEC_ORIGIN}/ob/issuer/keys/`));
		const jwks = createLocalJWKSet((await publishedJwks()) as never);
		const { payload } = await jwtVerify(jwt, (protectedHeader) =>
			jwks({ ...protectedHeader, kid: protectedHeader.kid?.split('/').at(-1) })
		);

		// OB 3.0 §8.2.3: the payload is the credential; the claims restate it.
		expect(payload.iss).toBe(`${SPEC_ORIGIN}/ob/issuer`);
		expect(payload.jti).toBe(`urn:uuid:${awardId}`);
		expect(payload.sub).toBe(`urn:uuid:${earner.personId}`);
		expect(payload.nbf).toBe(Math.floor(AWARDED_AT.getTime() / 1000));
		expect(payload.exp).toBeUndefined();
		expect(payload).toMatchObject({
			'@context': [
				'https://www.w3.org/ns/credentials/v2',
				'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'
			],
			id: `urn:uuid:${awardId}`,
			type: ['VerifiableCredential', 'OpenBadgeCredential'],
			issuer: { id: `${SPEC_ORIGIN}/ob/issuer`, type: ['Profile'], name: 'Gather community' },
			validFrom: '2026-03-14T09:26:53Z',
			name: 'First translation',
			credentialSubject: {
				type: ['AchievementSubject'],
				achievement: {
					id: `${SPEC_ORIGIN}/ob/badges/${badgeId}`,
					type: ['Achievement'],
					name: 'First translation',
					description: 'Translated a page of the docs.',
					criteria: { narrative: 'Translate one page.' },
					image: { id: `${SPEC_ORIGIN}/ob/badges/${badgeId}/image`, type: 'Image' }
				}
			},
			evidence: [{ id: 'https://docs.example.org/pull/42', type: ['Evidence'] }],
			credentialStatus: {
				id: `${SPEC_ORIGIN}/ob/revocations#${awardId}`,
				type: '1EdTechRevocationList'
			}
		});

		// The email, lower-cased, hashed with the salt appended.
		const subject = payload.credentialSubject as { identifier: Record<string, unknown>[] };
		const [identity] = subject.identifier;
		const { createHash } = await import('node:crypto');
		const expected = createHash('sha256')
			.update(`amina@example.org${String(identity?.salt)}`)
			.digest('hex');
		expect(identity).toEqual({
			type: 'IdentityObject',
			identityHash: `sha256$${expected}`,
			identityType: 'emailAddress',
			hashed: true,
			salt: expect.any(String)
		});

		expect(await verifyCredential(handle.db, jwt, SPEC_ORIGIN)).toMatchObject({
			outcome: 'valid',
			details: { badgeName: 'First translation', earnerName: 'Amina Public' }
		});

		// The credential, as the payload holds it, against the official JSON Schema.
		const validate = credentialValidator();
		const credential = Object.fromEntries(
			Object.entries(payload).filter(([claim]) => !['iss', 'jti', 'sub', 'nbf'].includes(claim))
		);
		const valid = validate.credential(credential);
		expect(validate.credential.errors ?? []).toEqual([]);
		expect(valid).toBe(true);
		// The schema does catch a credential missing what it requires.
		expect(validate.credential({ ...credential, validFrom: undefined })).toBe(false);
		expect(validate.credential({ ...credential, credentialSubject: { id: 'x' } })).toBe(false);
	});

	it('publishes an Achievement and issuer Profile the schema accepts', async () => {
		const validate = credentialValidator();
		const achievement = await (
			await callRoute(getAchievement, { url: `/ob/badges/${badgeId}`, params: { id: badgeId } })
		).json();
		const checkAchievement = validate.part('Achievement');
		expect(checkAchievement(achievement), JSON.stringify(checkAchievement.errors)).toBe(true);
		const profile = await (await callRoute(getIssuer, { url: '/ob/issuer' })).json();
		const checkProfile = validate.part('Profile');
		expect(checkProfile(profile), JSON.stringify(checkProfile.errors)).toBe(true);
	});

	it('fails when tampered with', async () => {
		const awardId = await addAward(earner.personId);
		const jwt = await (await downloadJwt(awardId)).text();
		const [header, payload, signature] = jwt.split('.');
		const claims = JSON.parse(Buffer.from(String(payload), 'base64url').toString());
		claims.name = 'Grand master of everything';
		const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
		expect((await verifyCredential(handle.db, forged, SPEC_ORIGIN)).outcome).toBe(
			'signature_invalid'
		);
		const jwks = createLocalJWKSet((await publishedJwks()) as never);
		await expect(
			jwtVerify(forged, (h) => jwks({ ...h, kid: h.kid?.split('/').at(-1) }))
		).rejects.toThrow();
	});

	it('signed by a key that is not ours, names an unknown issuer', async () => {
		const awardId = await addAward(earner.personId);
		const jwt = await (await downloadJwt(awardId)).text();
		const claims = JSON.parse(Buffer.from(String(jwt.split('.')[1]), 'base64url').toString());
		const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
		const kid = `${SPEC_ORIGIN}/ob/issuer/keys/someone-else`;
		const foreign = await new SignJWT(claims)
			.setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
			.sign(privateKey);
		expect((await verifyCredential(handle.db, foreign, SPEC_ORIGIN)).outcome).toBe(
			'unknown_issuer'
		);
		expect((await verifyCredential(handle.db, jwt, 'https://elsewhere.example')).outcome).toBe(
			'unknown_issuer'
		);
	});

	it('is not valid before its validFrom', async () => {
		const awardId = await addAward(earner.personId);
		const jwt = await (await downloadJwt(awardId)).text();
		const before = new Date(AWARDED_AT.getTime() - 86_400_000);
		expect((await verifyCredential(handle.db, jwt, SPEC_ORIGIN, before)).outcome).toBe(
			'not_yet_valid'
		);
		expect((await verifyCredential(handle.db, jwt, SPEC_ORIGIN, AWARDED_AT)).outcome).toBe('valid');
	});

	it('is expired after its validUntil or exp, and unreadable when the claims disagree', async () => {
		const awardId = await addAward(earner.personId);
		const jwt = await (await downloadJwt(awardId)).text();
		expect((await verifyCredential(handle.db, jwt, SPEC_ORIGIN)).outcome).toBe('valid');
		const until = await resigned(jwt, (claims) => {
			claims.validUntil = '2026-04-01T00:00:00Z';
		});
		const exp = await resigned(jwt, (claims) => {
			claims.exp = Date.parse('2026-04-01T00:00:00Z') / 1000;
		});
		for (const token of [until, exp]) {
			expect(
				(await verifyCredential(handle.db, token, SPEC_ORIGIN, new Date('2026-03-31T00:00:00Z')))
					.outcome
			).toBe('valid');
			expect((await verifyCredential(handle.db, token, SPEC_ORIGIN)).outcome).toBe('expired');
		}
		// §8.2.4.1: nbf must equal validFrom, sub the subject's id, jti the credential's id.
		for (const change of [
			(claims: Record<string, unknown>) => (claims.nbf = Number(claims.nbf) - 60),
			(claims: Record<string, unknown>) => (claims.sub = 'urn:uuid:someone-else'),
			(claims: Record<string, unknown>) => (claims.jti = `urn:uuid:${newId()}`)
		])
			expect(
				(await verifyCredential(handle.db, await resigned(jwt, change), SPEC_ORIGIN)).outcome
			).toBe('unreadable');
	});

	it('verifies as revoked once the award is revoked, with the reason and date', async () => {
		const awardId = await addAward(earner.personId);
		const jwt = await (await downloadJwt(awardId)).text();
		const revokedAt = new Date('2026-04-01T12:00:00Z');
		await handle.db
			.update(awards)
			.set({ revokedAt, revokedBy: admin.personId, revocationReason: 'Awarded by mistake' })
			.where(eq(awards.id, awardId));
		expect(await verifyCredential(handle.db, jwt, SPEC_ORIGIN)).toMatchObject({
			outcome: 'revoked',
			details: { revokedAt: revokedAt.toISOString(), revocationReason: 'Awarded by mistake' }
		});
		const list = await (await callRoute(getRevocations, { url: '/ob/revocations' })).json();
		expect(list.revokedCredentials).toContainEqual(
			expect.objectContaining({ id: `urn:uuid:${awardId}`, revocationReason: 'Awarded by mistake' })
		);
	});

	it('answers garbage as unreadable, never throwing', async () => {
		for (const input of [
			'',
			'hello',
			'a.b.c',
			'{"proof":[{"jwt":"x.y.z"}]}',
			'{not json',
			'[]',
			'null',
			'x'.repeat(200_000),
			'eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.'
		])
			expect(['unreadable', 'unknown_issuer']).toContain(
				(await verifyCredential(handle.db, input, SPEC_ORIGIN)).outcome
			);
	});

	it('hides the earner name the public may not see', async () => {
		const hidden = await addPersonWithProfile(handle.db, { displayName: 'Private Person' });
		const awardId = await addAward(hidden.personId);
		const jwt = await (await downloadJwt(awardId, hidden)).text();
		const result = await verifyCredential(handle.db, jwt, SPEC_ORIGIN);
		expect(result.outcome).toBe('valid');
		expect(result.details?.earnerName).toBeNull();
	});
});

describe('downloading a credential', () => {
	it('is for the earner or an admin', async () => {
		const awardId = await addAward(earner.personId);
		expect((await downloadJwt(awardId, null)).status).toBe(401);
		expect((await downloadJwt(awardId, stranger)).status).toBe(403);
		expect((await downloadJwt(awardId, admin)).status).toBe(200);
		expect((await downloadJwt(awardId, earner)).status).toBe(200);
		expect((await downloadJwt(newId(), earner)).status).toBe(404);
		expect((await downloadJwt('not-an-id', earner)).status).toBe(404);
	});
});

describe('the badge documents', () => {
	it('are an OB 3.0 Achievement and an OB 2.0 BadgeClass, with the image bytes', async () => {
		const call = { url: `/ob/badges/${badgeId}`, params: { id: badgeId } };
		const achievement = await (await callRoute(getAchievement, call)).json();
		expect(achievement).toMatchObject({
			id: `${SPEC_ORIGIN}/ob/badges/${badgeId}`,
			type: ['Achievement']
		});
		const v2 = await (await callRoute(getAchievement, { ...call, url: `${call.url}?v=2` })).json();
		const badgeClass = await (await callRoute(getBadgeClass, call)).json();
		expect(v2).toEqual(badgeClass);
		expect(badgeClass).toMatchObject({
			'@context': 'https://w3id.org/openbadges/v2',
			type: 'BadgeClass',
			id: `${SPEC_ORIGIN}/ob/v2/badges/${badgeId}`,
			name: 'First translation',
			description: 'Translated a page of the docs.',
			image: `${SPEC_ORIGIN}/ob/badges/${badgeId}/image`,
			criteria: { narrative: 'Translate one page.' },
			issuer: `${SPEC_ORIGIN}/ob/v2/issuer`
		});
		const image = await callRoute(getImage, { ...call, url: `${call.url}/image` });
		expect(image.headers.get('content-type')).toBe('image/png');
		expect(Buffer.from(await image.arrayBuffer())).toEqual(PNG);

		const plain = await addBadge(handle.db);
		const none = await callRoute(getImage, {
			url: `/ob/badges/${plain}/image`,
			params: { id: plain }
		});
		expect(none.status).toBe(404);
		const missing = await callRoute(getAchievement, { url: '/ob/badges/x', params: { id: 'x' } });
		expect(missing.status).toBe(404);
		const issuer = await (await callRoute(getIssuerV2, { url: '/ob/v2/issuer' })).json();
		expect(issuer).toMatchObject({
			type: 'Issuer',
			id: `${SPEC_ORIGIN}/ob/v2/issuer`,
			url: SPEC_ORIGIN
		});
	});
});

describe('the OB 2.0 hosted assertion', () => {
	it('has the required fields, and answers 410 with the reason once revoked', async () => {
		const awardId = await addAward(earner.personId, { badgeId: await addBadge(handle.db) });
		const call = { url: `/ob/assertions/${awardId}`, params: { awardId } };
		const response = await callRoute(getAssertion, call);
		expect(response.status).toBe(200);
		const assertion = await response.json();
		expect(assertion).toMatchObject({
			'@context': 'https://w3id.org/openbadges/v2',
			type: 'Assertion',
			id: `${SPEC_ORIGIN}/ob/assertions/${awardId}`,
			recipient: {
				type: 'email',
				hashed: true,
				identity: expect.stringMatching(/^sha256\$[0-9a-f]{64}$/)
			},
			badge: expect.stringMatching(new RegExp(`^${SPEC_ORIGIN}/ob/v2/badges/`)),
			issuedOn: AWARDED_AT.toISOString(),
			verification: { type: 'hosted' },
			evidence: { id: 'https://docs.example.org/pull/42' }
		});
		expect(assertion).not.toHaveProperty('revoked');

		await handle.db
			.update(awards)
			.set({ revokedAt: new Date(), revocationReason: 'Duplicate' })
			.where(eq(awards.id, awardId));
		const gone = await callRoute(getAssertion, call);
		expect(gone.status).toBe(410);
		expect(await gone.json()).toMatchObject({ revoked: true, revocationReason: 'Duplicate' });
	});
});

describe('the /verify page', () => {
	async function check(fields: Record<string, string>, ip = '198.51.100.7') {
		const { event } = requestEvent({
			url: '/verify',
			method: 'POST',
			body: new URLSearchParams(fields).toString(),
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			ip
		});
		return (await verifyActions.default(event as never)) as unknown as Record<string, unknown>;
	}

	it('answers pasted credentials and garbage alike, never failing', async () => {
		const awardId = await addAward(earner.personId);
		const jwt = await (await downloadJwt(awardId)).text();
		expect(await check({ credential: jwt })).toMatchObject({ result: { outcome: 'valid' } });
		expect(await check({ credential: '<script>alert(1)</script>' })).toMatchObject({
			result: { outcome: 'unreadable' }
		});
		expect(await check({ credential: '   ' })).toMatchObject({
			status: 400,
			data: { empty: true }
		});
	});

	it('limits checks per address', async () => {
		let last: Record<string, unknown> = {};
		for (let attempt = 0; attempt <= 60; attempt++)
			last = await check({ credential: 'x' }, '203.0.113.9');
		expect(last).toMatchObject({ status: 429 });
		expect(await check({ credential: 'x' }, '203.0.113.10')).toMatchObject({
			result: { outcome: 'unreadable' }
		});
	});

	it('checks a shared award link, and 404s an unknown one', async () => {
		const awardId = await addAward(earner.personId);
		const { event } = requestEvent({ url: `/verify/${awardId}`, params: { awardId } });
		expect(await loadAwardCheck(event as never)).toMatchObject({ result: { outcome: 'valid' } });
		const missing = requestEvent({ url: '/verify/nope', params: { awardId: 'nope' } });
		await expect(loadAwardCheck(missing.event as never)).rejects.toMatchObject({ status: 404 });
	});
});
