/** Bodies of the passkey endpoints under /api/auth, shared by the browser and the server. */
import { z } from 'zod';
import { personSchema, text } from './entities';

export const signUpStartSchema = z.object({
	displayName: text().trim().min(1).max(80),
	// Normalised before it is validated: phone keyboards leave a space after an autocompleted address.
	email: z.string().trim().toLowerCase().pipe(z.email().max(254))
});
export type SignUpStart = z.infer<typeof signUpStartSchema>;

/** The credential JSON from @simplewebauthn/browser; its inner fields are checked by the verifier. */
const credentialResponseSchema = z.looseObject({
	id: text().min(1).max(1024),
	rawId: text().min(1).max(1024),
	type: z.literal('public-key'),
	response: z.looseObject({ clientDataJSON: z.string().max(10_000) }),
	clientExtensionResults: z.record(z.string(), z.unknown()).default({})
});

const base64url = z
	.string()
	.max(100_000)
	.regex(/^[A-Za-z0-9_-]*$/);
const authenticatorAttachment = z.enum(['platform', 'cross-platform']).optional();

/** A new passkey (startRegistration's answer), typed as the server verifier expects it. */
export const registrationResponseSchema = credentialResponseSchema.extend({
	authenticatorAttachment,
	response: z.looseObject({
		clientDataJSON: base64url,
		attestationObject: base64url,
		authenticatorData: base64url.optional(),
		transports: z.array(z.string().max(32)).max(10).optional(),
		publicKeyAlgorithm: z.number().int().optional(),
		publicKey: base64url.optional()
	})
});
export const signUpVerifySchema = z.object({ response: registrationResponseSchema });

/** Sign-in needs no input (discoverable passkeys); the body is still checked to be a JSON object. */
export const signInStartSchema = z.object({});

/** A passkey assertion (startAuthentication's answer). */
export const authenticationResponseSchema = credentialResponseSchema.extend({
	authenticatorAttachment,
	response: z.looseObject({
		clientDataJSON: base64url,
		authenticatorData: base64url,
		signature: base64url,
		userHandle: base64url.optional()
	})
});
export const signInVerifySchema = z.object({ response: authenticationResponseSchema });

/** Who the session belongs to: enough for the device to open offline as that person. */
export const sessionPersonSchema = personSchema.pick({
	id: true,
	displayName: true,
	email: true,
	roles: true
});
export type SessionPerson = z.infer<typeof sessionPersonSchema>;

export const meResponseSchema = z.object({ person: sessionPersonSchema.nullable() });
