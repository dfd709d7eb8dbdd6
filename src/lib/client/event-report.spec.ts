/**
 * The event report on small hand-made rows: the figures, the double admissions, the arrival
 * quarters and the CSV (its injection guard included); and the query that gathers the rows
 * from a real Dexie database on fake-indexeddb.
 */
import 'fake-indexeddb/auto';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type {
	Admission,
	CheckIn,
	Person,
	Registration,
	RegistrationStatus
} from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import {
	arrivalsOf,
	attendeeCsv,
	deviceShortId,
	eventReport,
	eventReportRows,
	localDateTime,
	type CsvLabels,
	type ReportRows
} from './event-report';
import { GatherDatabase } from './db';
import { eventRow, personRow, registrationRow } from './testing/events';

const START = '2025-03-01T09:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(START) + minutes * 60_000).toISOString();

const event = eventRow([], {
	title: 'Onboarding night',
	startsAt: START,
	endsAt: at(180),
	timezone: 'Asia/Tokyo',
	venue: 'Hall',
	area: 'education',
	capacity: 10,
	createdAt: at(-10_000)
});

const person = (displayName: string, email: string | null = null): Person =>
	personRow({ displayName, email, createdAt: at(-20_000) });

const registration = (who: Person, status: RegistrationStatus, walkIn = false): Registration =>
	registrationRow(event.id, who.id, { status, walkIn, createdAt: at(-5_000) });

const door1 = '0197a1b2-0000-7000-8000-00000000d001';
const door2 = '0197a1b2-0000-7000-8000-00000000d002';

function admission(
	deviceId: string,
	by: Person,
	minutes: number,
	method: Admission['method'] = 'scan',
	deviceName = ''
): Admission {
	return { deviceId, deviceName, recordedBy: by.id, at: at(minutes), method };
}

function checkIn(who: Person, admissions: Admission[]): CheckIn {
	const [first] = [...admissions].sort((a, b) => a.at.localeCompare(b.at));
	if (!first) throw new Error('a check-in has an admission');
	return {
		eventId: event.id,
		personId: who.id,
		checkedInAt: first.at,
		recordedBy: first.recordedBy,
		admissions,
		version: 1
	};
}

// Ana and Ali run the doors; seven people in all.
const ana = person('Ana');
const ali = person('Ali');
const bea = person('Bea', 'bea@example.org');
const carl = person('Carl', '=HYPERLINK("http://evil.example","click")');
const dina = person('Dina');
const eli = person('Eli');
const fay = person('Fay');
const gus = person('Gus');
const hal = person('Hal');

function rows(): ReportRows {
	return {
		event,
		registrations: [
			registration(bea, 'registered'),
			registration(carl, 'registered'),
			registration(dina, 'registered'), // no-show
			registration(eli, 'registered', true), // walk-in
			registration(fay, 'waitlisted'), // never admitted
			registration(gus, 'cancelled'),
			registration(hal, 'revoked')
		],
		checkIns: [
			// Bea: admitted twice, at 14:02 on Door 2 by Ali and 14:05 on Door 1 by Ana.
			checkIn(bea, [
				admission(door2, ali, 2, 'scan', 'Door 2'),
				admission(door1, ana, 5, 'search', 'Door 1')
			]),
			checkIn(carl, [admission(door1, ana, 20, 'search', 'Door 1')]),
			checkIn(eli, [admission(door2, ali, 21, 'walk_in', '')])
		],
		people: new Map([ana, ali, bea, carl, dina, eli, fay, gus, hal].map((row) => [row.id, row]))
	};
}

describe('eventReport', () => {
	const report = eventReport(rows(), 'en');

	it('counts registered against checked in, and the attendance rate among the registered', () => {
		expect(report.registered).toBe(4);
		expect(report.checkedIn).toBe(3);
		expect(report.attendanceRate).toBe(3 / 4);
	});

	it('lists the no-shows and counts walk-ins, the waiting list, cancelled and revoked', () => {
		expect(report.noShows.map((row) => row.name)).toEqual(['Dina']);
		expect(report.walkIns).toBe(1);
		expect(report.waitlisted).toBe(1);
		expect(report.cancelled).toBe(1);
		expect(report.revoked).toBe(1);
	});

	it('counts check-ins by the method of the admission that counts (the earliest)', () => {
		expect(report.byMethod).toEqual({ scan: 1, search: 1, walk_in: 1, self: 0 });
	});

	it('counts admissions per device, the busiest first, with the name the door gave it', () => {
		expect(report.byDevice).toEqual([
			{ deviceId: door1, deviceName: 'Door 1', count: 2 },
			{ deviceId: door2, deviceName: 'Door 2', count: 2 }
		]);
	});

	it('lists a double admission with both devices, who admitted, and when, the earliest first', () => {
		expect(report.doubles).toHaveLength(1);
		const [double] = report.doubles;
		expect(double?.name).toBe('Bea');
		expect(
			double?.admissions.map((row) => [row.deviceName, row.recordedByName, row.at, row.method])
		).toEqual([
			['Door 2', 'Ali', at(2), 'scan'],
			['Door 1', 'Ana', at(5), 'search']
		]);
		expect(report.attendees.find((row) => row.name === 'Bea')?.double).toBe(true);
		expect(report.attendees.find((row) => row.name === 'Carl')?.double).toBe(false);
	});

	it('has no attendance rate when nobody registered', () => {
		const empty = eventReport({ ...rows(), registrations: [], checkIns: [] }, 'en');
		expect(empty.attendanceRate).toBeNull();
		expect(empty.arrivals).toEqual([]);
	});
});

describe('arrivalsOf', () => {
	it('counts arrivals per quarter hour from the event start, empty quarters between included', () => {
		expect(arrivalsOf(rows().checkIns, START)).toEqual([
			{ start: at(0), count: 1 },
			{ start: at(15), count: 2 }
		]);
		const spread = [
			checkIn(bea, [admission(door1, ana, -3)]),
			checkIn(carl, [admission(door1, ana, 47)])
		];
		expect(arrivalsOf(spread, START).map((row) => row.count)).toEqual([1, 0, 0, 0, 1]);
	});
});

describe('the names of devices and times', () => {
	it('names an unnamed device by the random end of its id', () => {
		expect(deviceShortId(door1)).toBe('d001');
	});

	it('writes the wall-clock time in the event time zone', () => {
		expect(localDateTime(at(2), 'Asia/Tokyo')).toBe('2025-03-01 18:02');
		expect(localDateTime(at(2), 'America/New_York')).toBe('2025-03-01 04:02');
	});
});

describe('attendeeCsv', () => {
	const labels: CsvLabels = {
		headers: {
			name: 'Name',
			email: 'Email',
			status: 'Status',
			walkIn: 'Walk-in',
			checkedInAt: 'Checked in at',
			checkedInLocal: 'Checked in (local time)',
			method: 'Method',
			devices: 'Devices',
			double: 'Admitted twice'
		},
		status: (status) => status ?? 'none',
		method: (method) => method ?? 'unknown',
		device: (row) => row.deviceName || `Device ${deviceShortId(row.deviceId)}`,
		someone: 'A member',
		yes: 'yes',
		no: 'no'
	};
	const csv = attendeeCsv(eventReport(rows(), 'en'), event.timezone, labels);
	const table = Papa.parse<string[]>(csv).data;

	it('has a header and one row per registered or checked-in person, by name', () => {
		expect(table[0]).toEqual(Object.values(labels.headers));
		expect(table.slice(1).map((row) => row[0])).toEqual([
			'Bea',
			'Carl',
			'Dina',
			'Eli',
			'Fay',
			'Gus',
			'Hal'
		]);
	});

	it('writes the check-in in ISO and local time, the method, the devices and the double flag', () => {
		expect(table[1]).toEqual([
			'Bea',
			'bea@example.org',
			'registered',
			'no',
			at(2),
			'2025-03-01 18:02',
			'scan',
			'Door 2; Door 1',
			'yes'
		]);
		expect(table[3]).toEqual(['Dina', '', 'registered', 'no', '', '', '', '', 'no']);
		expect(table[4]?.slice(3, 9)).toEqual([
			'yes',
			at(21),
			'2025-03-01 18:21',
			'walk_in',
			'Device d002',
			'no'
		]);
	});

	it('defuses cells a spreadsheet would run as a formula', () => {
		expect(table[2]?.[1]).toBe(`'=HYPERLINK("http://evil.example","click")`);
		const hostile = eventReport(
			{ ...rows(), people: new Map([[bea.id, { ...bea, displayName: '+1 555' }]]) },
			'en'
		);
		const line = Papa.parse<string[]>(attendeeCsv(hostile, event.timezone, labels)).data;
		expect(line.some((row) => row[0] === "'+1 555")).toBe(true);
	});
});

describe('eventReportRows', () => {
	it('gathers the event, its registrations and check-ins, and the people named in them', async () => {
		const db = new GatherDatabase(`spec-${newId()}`);
		const other = { ...event, id: newId() };
		const data = rows();
		await db.events.bulkPut([event, other]);
		await db.registrations.bulkPut([
			...data.registrations,
			{ ...registration(bea, 'registered'), eventId: other.id }
		]);
		await db.checkIns.bulkPut([
			...data.checkIns,
			{ ...checkIn(dina, [admission(door1, ana, 1)]), eventId: other.id }
		]);
		await db.people.bulkPut([ana, ali, bea, carl, eli]);

		const found = await eventReportRows(db, event.id);
		expect(found?.event.id).toBe(event.id);
		expect(found?.registrations).toHaveLength(7);
		expect(found?.checkIns).toHaveLength(3);
		expect([...(found?.people.keys() ?? [])].sort()).toEqual(
			[ana, ali, bea, carl, eli].map((row) => row.id).sort()
		);
		// Someone this device lacks is named by the screen, not invented here.
		if (!found) throw new Error('the event is on the device');
		expect(eventReport(found, 'en').noShows[0]?.name).toBeNull();
		expect(await eventReportRows(db, newId())).toBeNull();
		await db.delete();
	});
});
