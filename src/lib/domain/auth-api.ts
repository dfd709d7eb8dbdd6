/** Bodies of the passkey endpoints under /api/auth, shared by the browser and the server. */
import { z } from 'zod';
import { personSchema, text } from './entities';

/** The refusals the auth endpoints answer with (`error` of the JSON answer); screens translate each. */
export const AUTH_FAILURE_CODES = [
	'email_taken',
	'unknown_credential',
	'verification_failed',
	'passkey_exists',
	'not_found',
	'last_sign_in_method',
	'recovery_failed',
	'link_invalid',
	'email_unavailable',
	'rate_limited'
] as const;
export type AuthFailureCode = (typeof AUTH_FAILURE_CODES)[number];

// Normalised before it is validated: phone keyboards leave a space after an autocompleted address.
const emailInput = z.string().trim().toLowerCase().pipe(z.email().max(254));

export const signUpStartSchema = z.object({
	displayName: text().trim().min(1).max(80),
	email: emailInput
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

/** The answer to a sign-up: the person, and their recovery codes, shown this one time only. */
export const signUpAnswerSchema = z.object({
	person: sessionPersonSchema,
	recoveryCodes: z.array(z.string()).min(1)
});

/** How many one-time recovery codes a person holds after sign-up or a regeneration. */
export const RECOVERY_CODE_COUNT = 10;

/** A recovery code as typed: grouping, case and spaces are forgiven by the server. */
const recoveryCodeInput = z.string().trim().min(1).max(64);

export const recoverySignInSchema = z.object({ email: emailInput, code: recoveryCodeInput });
export type RecoverySignIn = z.infer<typeof recoverySignInSchema>;

export const recoveryCodesAnswerSchema = z.object({
	recoveryCodes: z.array(z.string()).min(1)
});

/** After a recovery-code sign-in: how many unused codes are left. */
export const recoverySignInAnswerSchema = z.object({
	person: sessionPersonSchema,
	recoveryCodesLeft: z.number().int().min(0)
});

export const emailLinkRequestSchema = z.object({ email: emailInput });
/** The token from the link: 32 random bytes as base64url. */
export const emailLinkVerifySchema = z.object({
	token: z
		.string()
		.min(16)
		.max(128)
		.regex(/^[A-Za-z0-9_-]+$/)
});
export const emailLinkAvailabilitySchema = z.object({ available: z.boolean() });

/** A passkey's name, given by its owner ("Work laptop"). */
export const passkeyNameSchema = text().trim().min(1).max(60);

/** One of the signed-in person's passkeys, as listed on the security screen. */
export const passkeySchema = z.object({
	id: z.string(),
	name: z.string().nullable(),
	createdAt: z.iso.datetime(),
	lastUsedAt: z.iso.datetime().nullable(),
	/** Synced by its provider (a passkey manager): it survives losing the device. */
	backedUp: z.boolean()
});
export type Passkey = z.infer<typeof passkeySchema>;

export const passkeysAnswerSchema = z.object({
	passkeys: z.array(passkeySchema),
	recoveryCodesLeft: z.number().int().min(0)
});
export type PasskeysAnswer = z.infer<typeof passkeysAnswerSchema>;

/** Add a passkey to the signed-in person: options need no input. */
export const addPasskeyStartSchema = z.object({});
export const addPasskeyVerifySchema = z.object({
	response: registrationResponseSchema,
	name: passkeyNameSchema.optional()
});
export const passkeyAnswerSchema = z.object({ passkey: passkeySchema });
export const renamePasskeySchema = z.object({ name: passkeyNameSchema });

export const signOutEverywhereAnswerSchema = z.object({ ended: z.number().int().min(0) });
