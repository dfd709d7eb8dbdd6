import type { Verdict } from '$lib/client/door';
import { isolate } from '$lib/client/bidi';
import { formatTime } from '$lib/client/format';
import { m } from '$lib/paraglide/messages';
import type { Shown } from './door-screen.svelte';

/** Green lets the person in, red keeps them out, amber asks the door to decide. */
export type Tone = 'welcome' | 'refused' | 'decide' | 'neutral';

export interface VerdictText {
	tone: Tone;
	title: string;
	/** The reason, or what the door should do next. */
	detail: string | null;
}

const PROBLEMS = {
	other_event: () => [m.door_verdict_other_event(), m.door_verdict_other_event_detail()],
	forged: () => [m.door_verdict_forged(), m.door_verdict_forged_detail()],
	not_yet_valid: () => [m.door_verdict_not_yet_valid(), m.door_verdict_not_yet_valid_detail()],
	expired: () => [m.door_verdict_expired(), m.door_verdict_expired_detail()],
	unreadable: () => [m.door_verdict_unreadable(), m.door_verdict_unreadable_detail()],
	no_key: () => [m.door_verdict_no_key(), m.door_verdict_no_key_detail()],
	event_cancelled: () => [m.door_verdict_event_cancelled(), m.door_verdict_event_cancelled_detail()]
} satisfies Record<string, () => [string, string]>;

function already(verdict: Extract<Verdict, { kind: 'already' }>): string {
	// The device's clock: the door is where the device is.
	const time = formatTime(verdict.admission.at);
	const device = verdict.admission.deviceName && isolate(verdict.admission.deviceName);
	const recorder = verdict.recorderName && isolate(verdict.recorderName);
	if (device && recorder) return m.door_already_detail({ time, device, recorder });
	if (device) return m.door_already_detail_device({ time, device });
	if (recorder) return m.door_already_detail_recorder({ time, recorder });
	return m.door_already_detail_time({ time });
}

/** What the door reads for a verdict: short title, and why. */
export function verdictText(shown: Shown['verdict']): VerdictText {
	switch (shown.kind) {
		case 'welcome':
			return {
				tone: 'welcome',
				title: shown.attendee.name
					? m.door_welcome({ name: isolate(shown.attendee.name) })
					: m.door_welcome_unnamed(),
				detail: shown.unsynced ? m.door_welcome_unsynced() : null
			};
		case 'already':
			return {
				tone: 'refused',
				title: m.door_already({ name: isolate(shown.attendee.name || m.door_unnamed()) }),
				detail: already(shown)
			};
		case 'revoked':
		case 'cancelled':
		case 'not_registered':
		case 'waitlisted': {
			const name = shown.attendee?.name;
			const titles = {
				revoked: m.door_verdict_revoked,
				cancelled: m.door_verdict_cancelled,
				not_registered: m.door_verdict_not_registered,
				waitlisted: m.door_verdict_waitlisted
			};
			const details = {
				revoked: m.door_verdict_revoked_detail,
				cancelled: m.door_verdict_cancelled_detail,
				not_registered: m.door_verdict_not_registered_detail,
				waitlisted: m.door_verdict_waitlisted_detail
			};
			const reason = titles[shown.kind]();
			return {
				tone: shown.kind === 'waitlisted' ? 'decide' : 'refused',
				title: name ? m.door_named_verdict({ name: isolate(name), reason }) : reason,
				detail: details[shown.kind]()
			};
		}
		case 'undone':
			return {
				tone: 'neutral',
				title: m.door_undone({ name: isolate(shown.name || m.door_unnamed()) }),
				detail: null
			};
		default: {
			const [title, detail] = PROBLEMS[shown.kind]();
			return { tone: 'refused', title, detail };
		}
	}
}
