/**
 * The community's Open Badges signing key: one Ed25519 pair, made the first time a credential
 * is signed and kept in `issuer_keys` (id = the public key's JWK thumbprint, RFC 7638). Two
 * servers making it at once both insert with ON CONFLICT DO NOTHING and then read the oldest
 * row, so every credential is signed by the same key.
 */
import { asc } from 'drizzle-orm';
import {
	calculateJwkThumbprint,
	exportJWK,
	generateKeyPair,
	importJWK,
	type CryptoKey,
	type JWK
} from 'jose';
import type { Database, Transaction } from '$lib/server/db';
import { issuerKeys } from '$lib/server/db/schema';

export const ISSUER_ALGORITHM = 'EdDSA';

export interface IssuerKey {
	/** The key's thumbprint (issuer_keys.id). */
	id: string;
	publicJwk: JWK;
	privateJwk: JWK;
}

type Executor = Database | Transaction;

function toKey(row: typeof issuerKeys.$inferSelect): IssuerKey {
	return { id: row.id, publicJwk: row.publicJwk as JWK, privateJwk: row.privateJwk as JWK };
}

/** Every issuer key, oldest first (the first is the one that signs). */
export async function issuerKeysOf(db: Executor): Promise<IssuerKey[]> {
	const rows = await db
		.select()
		.from(issuerKeys)
		.orderBy(asc(issuerKeys.createdAt), asc(issuerKeys.id));
	return rows.map(toKey);
}

/** The signing key, made once. */
export async function ensureIssuerKey(db: Executor): Promise<IssuerKey> {
	const [existing] = await issuerKeysOf(db);
	if (existing) return existing;
	const pair = await generateKeyPair(ISSUER_ALGORITHM, { crv: 'Ed25519', extractable: true });
	const publicJwk = await exportJWK(pair.publicKey);
	const privateJwk = await exportJWK(pair.privateKey);
	const id = await calculateJwkThumbprint(publicJwk);
	await db
		.insert(issuerKeys)
		.values({ id, algorithm: ISSUER_ALGORITHM, publicJwk, privateJwk })
		.onConflictDoNothing();
	const [first] = await issuerKeysOf(db);
	if (!first) throw new Error('issuer key insert left no row');
	return first;
}

/** A public JWK as it is published: never `d`, with its kid, use and algorithm. */
export function publishedJwk(key: IssuerKey): JWK {
	const { kty, crv, x } = key.publicJwk;
	return { kty, crv, x, kid: key.id, use: 'sig', alg: ISSUER_ALGORITHM };
}

export function importPrivateKey(key: IssuerKey): Promise<CryptoKey | Uint8Array> {
	return importJWK(key.privateJwk, ISSUER_ALGORITHM);
}
