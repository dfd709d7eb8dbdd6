/**
 * For tests only: a passkey authenticator in software (ES256 key from node:crypto, 'none'
 * attestation encoded with the CBOR library @simplewebauthn/server itself uses). It answers the
 * server's real options, so the specs run the real verifier rather than mocking it.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type {
	AuthenticationResponseJSON,
	PublicKeyCredentialCreationOptionsJSON,
	PublicKeyCredentialRequestOptionsJSON,
	RegistrationResponseJSON
} from '@simplewebauthn/server';
import { isoBase64URL, isoCBOR, isoUint8Array } from '@simplewebauthn/server/helpers';

const FLAG_USER_PRESENT = 0x01;
const FLAG_USER_VERIFIED = 0x04;
const FLAG_ATTESTED_CREDENTIAL = 0x40;

function sha256(data: Uint8Array | string): Uint8Array<ArrayBuffer> {
	return new Uint8Array(createHash('sha256').update(data).digest());
}

function uint32(value: number): Uint8Array<ArrayBuffer> {
	const bytes = new Uint8Array(4);
	new DataView(bytes.buffer).setUint32(0, value);
	return bytes;
}

function clientData(type: string, challenge: string, origin: string): string {
	return JSON.stringify({ type, challenge, origin, crossOrigin: false });
}

export class SoftwareAuthenticator {
	readonly credentialId = isoBase64URL.fromBuffer(crypto.getRandomValues(new Uint8Array(32)));
	#privateKey: KeyObject;
	#publicKey: KeyObject;
	#counter = 0;
	/** The WebAuthn user handle the credential was created for (base64url). */
	userHandle: string | null = null;

	constructor(readonly origin: string) {
		const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
		this.#privateKey = pair.privateKey;
		this.#publicKey = pair.publicKey;
	}

	#cosePublicKey(): Uint8Array<ArrayBuffer> {
		const jwk = this.#publicKey.export({ format: 'jwk' });
		if (!jwk.x || !jwk.y) throw new Error('EC public key without coordinates');
		// COSE_Key: kty EC2 (2), alg ES256 (-7), crv P-256 (1), x, y.
		return isoCBOR.encode(
			new Map<number, number | Uint8Array>([
				[1, 2],
				[3, -7],
				[-1, 1],
				[-2, isoBase64URL.toBuffer(jwk.x)],
				[-3, isoBase64URL.toBuffer(jwk.y)]
			])
		);
	}

	#authenticatorData(
		rpId: string,
		flags: number,
		attested?: Uint8Array<ArrayBuffer>
	): Uint8Array<ArrayBuffer> {
		this.#counter += 1;
		return isoUint8Array.concat([
			sha256(rpId),
			new Uint8Array([flags]),
			uint32(this.#counter),
			...(attested ? [attested] : [])
		]);
	}

	register(options: PublicKeyCredentialCreationOptionsJSON): RegistrationResponseJSON {
		const rawId = isoBase64URL.toBuffer(this.credentialId);
		const attestedCredential = isoUint8Array.concat([
			new Uint8Array(16), // AAGUID: none
			new Uint8Array([rawId.length >> 8, rawId.length & 0xff]),
			rawId,
			this.#cosePublicKey()
		]);
		const flags = FLAG_USER_PRESENT | FLAG_USER_VERIFIED | FLAG_ATTESTED_CREDENTIAL;
		const authData = this.#authenticatorData(options.rp.id ?? '', flags, attestedCredential);
		const attestationObject = isoCBOR.encode(
			new Map<string, string | Uint8Array | Map<string, string>>([
				['fmt', 'none'],
				['attStmt', new Map<string, string>()],
				['authData', authData]
			])
		);
		this.userHandle = options.user.id;
		return {
			id: this.credentialId,
			rawId: this.credentialId,
			type: 'public-key',
			authenticatorAttachment: 'platform',
			clientExtensionResults: {},
			response: {
				clientDataJSON: isoBase64URL.fromUTF8String(
					clientData('webauthn.create', options.challenge, this.origin)
				),
				attestationObject: isoBase64URL.fromBuffer(attestationObject),
				transports: ['internal']
			}
		};
	}

	authenticate(options: PublicKeyCredentialRequestOptionsJSON): AuthenticationResponseJSON {
		const authData = this.#authenticatorData(
			options.rpId ?? '',
			FLAG_USER_PRESENT | FLAG_USER_VERIFIED
		);
		const clientDataJSON = clientData('webauthn.get', options.challenge, this.origin);
		const signature = sign(
			'sha256',
			isoUint8Array.concat([authData, sha256(clientDataJSON)]),
			this.#privateKey
		);
		return {
			id: this.credentialId,
			rawId: this.credentialId,
			type: 'public-key',
			authenticatorAttachment: 'platform',
			clientExtensionResults: {},
			response: {
				clientDataJSON: isoBase64URL.fromUTF8String(clientDataJSON),
				authenticatorData: isoBase64URL.fromBuffer(authData),
				signature: isoBase64URL.fromBuffer(new Uint8Array(signature)),
				...(this.userHandle ? { userHandle: this.userHandle } : {})
			}
		};
	}
}
