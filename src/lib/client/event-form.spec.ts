import { describe, expect, it } from 'vitest';
import type { GatherEvent } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import {
	copyFieldsOf,
	fieldsOf,
	instantOf,
	newEventFields,
	saveArgsOf,
	toArguments,
	wallClockOf
} from './event-form';

const me = newId();

function storedEvent(overrides: Partial<GatherEvent> = {}): GatherEvent {
	return {
		id: newId(),
		title: 'Localization Sprint',
		description: 'Bring a laptop.',
		startsAt: '2030-06-01T16:00:00.000Z',
		endsAt: '2030-06-01T19:00:00.000Z',
		timezone: 'Europe/Madrid',
		venue: 'Impact Hub',
		address: 'Calle de la Alameda 22',
		onlineLink: null,
		area: 'localization',
		capacity: 30,
		visibility: 'public',
		organizerIds: [me],
		doorIds: [],
		cancelled: false,
		reportNotes: 'Went well',
		photosLink: null,
		publicKey: 'key',
		checkInCode: 'ABC123',
		checkInCodeHash: 'hash',
		createdAt: '2030-01-01T00:00:00.000Z',
		version: 4,
		...overrides
	};
}

describe('wall clock in a time zone', () => {
	it('reads an instant in the zone and turns it back', () => {
		expect(wallClockOf('2030-06-01T16:00:00.000Z', 'Europe/Madrid')).toBe('2030-06-01T18:00');
		expect(instantOf('2030-06-01T18:00', 'Europe/Madrid')).toBe('2030-06-01T16:00:00.000Z');
		expect(instantOf('2030-01-15T18:00', 'Europe/Madrid')).toBe('2030-01-15T17:00:00.000Z');
		expect(instantOf('2030-06-01T09:30', 'Asia/Kolkata')).toBe('2030-06-01T04:00:00.000Z');
		expect(instantOf('2030-06-01T18:00', 'America/Sao_Paulo')).toBe('2030-06-01T21:00:00.000Z');
	});

	it('reads a time that happens twice as one of them, and moves a skipped one an hour on', () => {
		// Madrid: clocks go back at 03:00 on 27 October 2030 and forward at 02:00 on 31 March.
		const twice = instantOf('2030-10-27T02:30', 'Europe/Madrid');
		expect(twice && wallClockOf(twice, 'Europe/Madrid')).toBe('2030-10-27T02:30');
		const skipped = instantOf('2030-03-31T02:30', 'Europe/Madrid');
		expect(skipped && wallClockOf(skipped, 'Europe/Madrid')).toBe('2030-03-31T03:30');
	});

	it('refuses what is no time, and an unknown zone', () => {
		expect(instantOf('', 'Europe/Madrid')).toBeNull();
		expect(instantOf('2030-02-30T10:00', 'Europe/Madrid')).toBeNull();
		expect(instantOf('2030-06-01T25:00', 'Europe/Madrid')).toBeNull();
		expect(instantOf('2030-06-01T10:00', 'Mars/Olympus')).toBeNull();
	});
});

describe('toArguments', () => {
	it('gives event.save arguments in the chosen zone, keeping what the form does not edit', () => {
		const stored = storedEvent();
		const outcome = toArguments(stored.id, fieldsOf(stored), stored);
		expect(outcome).toEqual({
			ok: true,
			args: {
				id: stored.id,
				title: stored.title,
				description: stored.description,
				startsAt: stored.startsAt,
				endsAt: stored.endsAt,
				timezone: 'Europe/Madrid',
				venue: 'Impact Hub',
				address: 'Calle de la Alameda 22',
				onlineLink: null,
				area: 'localization',
				capacity: 30,
				visibility: 'public',
				organizerIds: [me],
				doorIds: [],
				cancelled: false,
				reportNotes: 'Went well',
				photosLink: null
			}
		});
	});

	it('makes a new online event: a link without its scheme is https, no limit when empty', () => {
		const id = newId();
		const fields = {
			...newEventFields({ organizerId: me, timezone: 'Asia/Jakarta' }),
			title: ' Pontoon office hours ',
			onlineLink: 'meet.example.org/pontoon'
		};
		const outcome = toArguments(id, fields, null);
		expect(outcome).toMatchObject({
			ok: true,
			args: {
				id,
				title: 'Pontoon office hours',
				venue: null,
				onlineLink: 'https://meet.example.org/pontoon',
				capacity: null,
				organizerIds: [me],
				cancelled: false,
				reportNotes: ''
			}
		});
		if (outcome.ok) expect(wallClockOf(outcome.args.startsAt, 'Asia/Jakarta')).toMatch(/T18:00$/);
	});

	it('says what is wrong, per field', () => {
		const fields = {
			...newEventFields({ organizerId: me, timezone: 'Europe/Madrid' }),
			start: '2030-06-01T20:00',
			end: '2030-06-01T18:00',
			capacity: '12.5',
			onlineLink: 'javascript:alert(1)',
			organizerIds: []
		};
		const outcome = toArguments(newId(), fields, null);
		expect(outcome.ok).toBe(false);
		if (outcome.ok) return;
		expect(Object.keys(outcome.errors).sort()).toEqual([
			'capacity',
			'end',
			'onlineLink',
			'organizerIds',
			'title'
		]);
		const nowhere = toArguments(
			newId(),
			{
				...fields,
				title: 'Meetup',
				end: '2030-06-01T21:00',
				capacity: '',
				onlineLink: '',
				organizerIds: [me]
			},
			null
		);
		expect(nowhere).toMatchObject({ ok: false, errors: { venue: expect.any(String) } });
		const noTime = toArguments(newId(), { ...fields, start: '' }, null);
		expect(noTime).toMatchObject({ ok: false, errors: { start: expect.any(String) } });
	});

	it('keeps door helpers apart from organizers', () => {
		const other = newId();
		const stored = storedEvent({ doorIds: [other, me] });
		const outcome = toArguments(stored.id, fieldsOf(stored), stored);
		expect(outcome).toMatchObject({ ok: true, args: { organizerIds: [me], doorIds: [other] } });
	});
});

describe('copyFieldsOf', () => {
	it('copies an event as "… (copy)", the dates kept, the copier among its organizers', () => {
		const admin = newId();
		const stored = storedEvent({ cancelled: true });
		const copy = copyFieldsOf(stored, admin);
		expect(copy.title).toBe('Localization Sprint (copy)');
		expect(copy.start).toBe('2030-06-01T18:00');
		expect(copy.organizerIds).toEqual([admin, me]);
		const outcome = toArguments(newId(), copy, null);
		expect(outcome).toMatchObject({ ok: true, args: { cancelled: false, reportNotes: '' } });
	});
});

describe('saveArgsOf', () => {
	it('gives back a stored event as arguments that change nothing', () => {
		const stored = storedEvent();
		const outcome = toArguments(stored.id, fieldsOf(stored), stored);
		expect(outcome.ok && outcome.args).toEqual(saveArgsOf(stored));
	});
});
