/**
 * The own-data screen's two requests. Both need the network (they are not mutations: an
 * export reads the server, a deletion ends the account); each failure is a code the screen
 * translates.
 */
import {
	DELETE_ACCOUNT_REFUSALS,
	exportFileName,
	type DeleteAccountRefusal
} from '$lib/domain/own-data';
import { apiErrorSchema } from '$lib/domain/sync-protocol';

export type OwnDataFailure = DeleteAccountRefusal | 'offline' | 'session' | 'server';

export class OwnDataError extends Error {
	constructor(readonly code: OwnDataFailure) {
		super(code);
		this.name = 'OwnDataError';
	}
}

async function send(path: string, init: RequestInit = {}): Promise<Response> {
	let response: Response;
	try {
		response = await fetch(path, { credentials: 'same-origin', cache: 'no-store', ...init });
	} catch {
		throw new OwnDataError('offline');
	}
	if (response.ok) return response;
	if (response.status === 401) throw new OwnDataError('session');
	const body = apiErrorSchema.safeParse(await response.json().catch(() => null));
	const code = DELETE_ACCOUNT_REFUSALS.find((refusal) => body.data?.error === refusal);
	throw new OwnDataError(code ?? 'server');
}

/** The file name the server gave the export, or today's. */
function fileNameOf(response: Response): string {
	const disposition = response.headers.get('content-disposition') ?? '';
	return /filename="([^"]+)"/.exec(disposition)?.[1] ?? exportFileName(new Date());
}

/** Fetch the person's export and hand it to the browser as a downloaded file. */
export async function downloadMyData(): Promise<void> {
	const response = await send('/api/me/export');
	const blob = await response.blob().catch(() => {
		throw new OwnDataError('offline');
	});
	const url = URL.createObjectURL(blob);
	const link = document.createElement('a');
	link.href = url;
	link.download = fileNameOf(response);
	document.body.append(link);
	link.click();
	link.remove();
	// The click has started the download; the URL is only needed for that moment.
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Ask the server to delete the account; `confirm` is what the person typed. */
export async function deleteMyAccount(confirm: string): Promise<void> {
	await send('/api/me/delete', {
		method: 'POST',
		headers: { 'content-type': 'application/json', accept: 'application/json' },
		body: JSON.stringify({ confirm })
	});
}
