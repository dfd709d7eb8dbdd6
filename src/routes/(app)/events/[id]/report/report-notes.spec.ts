import { describe, expect, it } from 'vitest';
import { MAX_REPORT_NOTES_LENGTH, type GatherEvent } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import { normaliseLink, reportNotesArgs } from './report-notes';

const event: GatherEvent = {
	id: newId(),
	title: 'Onboarding night',
	description: '',
	startsAt: '2025-03-01T09:00:00.000Z',
	endsAt: '2025-03-01T12:00:00.000Z',
	timezone: 'Asia/Tokyo',
	venue: 'Hall',
	address: null,
	onlineLink: null,
	area: null,
	capacity: null,
	visibility: 'community',
	organizerIds: [newId()],
	doorIds: [],
	cancelled: false,
	reportNotes: '',
	photosLink: null,
	publicKey: 'key',
	checkInCode: 'ABC123',
	checkInCodeHash: 'hash',
	createdAt: '2025-01-01T00:00:00.000Z',
	version: 4
};

describe('reportNotesArgs', () => {
	it('sends the whole event with the notes and link, without the fields the server makes', () => {
		const outcome = reportNotesArgs(event, 'A full room.', ' https://photos.example.org/a ');
		expect(outcome).toEqual({
			ok: true,
			args: {
				id: event.id,
				title: event.title,
				description: '',
				startsAt: event.startsAt,
				endsAt: event.endsAt,
				timezone: event.timezone,
				venue: 'Hall',
				address: null,
				onlineLink: null,
				area: null,
				capacity: null,
				visibility: 'community',
				organizerIds: event.organizerIds,
				doorIds: [],
				cancelled: false,
				reportNotes: 'A full room.',
				photosLink: 'https://photos.example.org/a'
			}
		});
	});

	it('takes an empty link as none, and a link typed without https:// as meant with it', () => {
		expect(normaliseLink('  ')).toBeNull();
		expect(normaliseLink('photos.example.org/night')).toBe('https://photos.example.org/night');
		expect(normaliseLink('http://photos.example.org')).toBe('http://photos.example.org');
	});

	it('names the field at fault: notes too long, a link that is not a web address', () => {
		expect(reportNotesArgs(event, 'x'.repeat(MAX_REPORT_NOTES_LENGTH + 1), '')).toEqual({
			ok: false,
			errors: { notes: 'too_long' }
		});
		expect(reportNotesArgs(event, '', 'not a link')).toEqual({
			ok: false,
			errors: { photosLink: 'invalid' }
		});
		expect(reportNotesArgs(event, '', 'javascript:alert(1)')).toEqual({
			ok: false,
			errors: { photosLink: 'invalid' }
		});
	});
});
