/** The badge page's online-only read: who earned a badge (GET /api/badges/[id]/earners). */
import { earnersPageSchema, type EarnersPage } from '$lib/domain/badge-earners';

export type EarnersFailure = 'offline' | 'failed';

export class EarnersError extends Error {
	constructor(readonly failure: EarnersFailure) {
		super(failure);
		this.name = 'EarnersError';
	}
}

export async function fetchEarners(badgeId: string, offset: number): Promise<EarnersPage> {
	let response: Response;
	try {
		response = await fetch(`/api/badges/${badgeId}/earners?offset=${offset}`, {
			credentials: 'same-origin',
			headers: { accept: 'application/json' }
		});
	} catch {
		throw new EarnersError('offline');
	}
	const parsed = earnersPageSchema.safeParse(await response.json().catch(() => null));
	if (!response.ok || !parsed.success) throw new EarnersError('failed');
	return parsed.data;
}
