/**
 * The organizer's report after an event (Reps' reporting), made on the device from what it
 * holds: who registered and who came, how and through which door, when people arrived, who
 * was admitted twice by two offline devices, and the attendee list as CSV. The figures are
 * pure functions of the rows; `eventReportRows` is the one query that gathers them.
 */
import { toCsv } from '$lib/domain/csv';
import type {
	Admission,
	AdmissionMethod,
	CheckIn,
	GatherEvent,
	Person,
	Registration,
	RegistrationStatus
} from '$lib/domain/entities';
import type { GatherDatabase } from './db';

/** What the report is made from: the event, its registrations and check-ins, and the people named. */
export interface ReportRows {
	event: GatherEvent;
	registrations: Registration[];
	checkIns: CheckIn[];
	/** Attendees and the staff who admitted them, by id (someone this device lacks is absent). */
	people: Map<string, Person>;
}

/** The rows behind an event's report, read in one transaction; null when the device lacks the event. */
export async function eventReportRows(
	db: GatherDatabase,
	eventId: string
): Promise<ReportRows | null> {
	return db.transaction('r', db.events, db.registrations, db.checkIns, db.people, async () => {
		const event = await db.events.get(eventId);
		if (!event) return null;
		const [registrations, checkIns] = await Promise.all([
			db.registrations.where('eventId').equals(eventId).toArray(),
			db.checkIns.where('eventId').equals(eventId).toArray()
		]);
		const ids = new Set<string>();
		for (const row of registrations) ids.add(row.personId);
		for (const row of checkIns) {
			ids.add(row.personId);
			ids.add(row.recordedBy);
			for (const admission of row.admissions) ids.add(admission.recordedBy);
		}
		const found = await db.people.bulkGet([...ids]);
		const people = new Map<string, Person>();
		for (const person of found) if (person) people.set(person.id, person);
		return { event, registrations, checkIns, people };
	});
}

/** The last four characters of a device id: its random part in both UUIDv4 and UUIDv7. */
export function deviceShortId(deviceId: string): string {
	return deviceId.replaceAll('-', '').slice(-4);
}

/** One device's admission, with who made it. */
export interface ReportAdmission extends Admission {
	/** The recorder's name, null when this device does not hold them. */
	recordedByName: string | null;
}

/** A check-in's admissions (the earliest first), with who made them. */
function admissionsOf(checkIn: CheckIn, people: Map<string, Person>): ReportAdmission[] {
	return checkIn.admissions.map((admission) => ({
		...admission,
		at: new Date(admission.at).toISOString(),
		recordedByName: nameOf(people, admission.recordedBy)
	}));
}

/** A person admitted by more than one device: each device's admission, the earliest (which counts) first. */
export interface DoubleAdmission {
	personId: string;
	name: string | null;
	admissions: ReportAdmission[];
}

/** One line of the attendee list (and of the CSV). */
export interface Attendee {
	personId: string;
	name: string | null;
	/** As this organizer sees it (privacy applied by the server); null when hidden or unknown. */
	email: string | null;
	/** Null: checked in without a registration this device holds. */
	status: RegistrationStatus | null;
	walkIn: boolean;
	checkedInAt: string | null;
	/** How the person came in (the admission that counts); null when not checked in. */
	method: AdmissionMethod | null;
	admissions: ReportAdmission[];
	double: boolean;
}

export interface DeviceCount {
	deviceId: string;
	deviceName: string;
	/** Admissions this device made (a double counts on each of its devices). */
	count: number;
}

export interface ArrivalBucket {
	/** The start of the 15 minutes, ISO (UTC). */
	start: string;
	count: number;
}

export interface EventReport {
	/** Registrations holding a seat (`registered`, walk-ins included). */
	registered: number;
	/** People checked in (one check-in per person, whatever the devices). */
	checkedIn: number;
	/** Registered people who came, 0…1; null when nobody is registered. */
	attendanceRate: number | null;
	/** Registered, never checked in. */
	noShows: Attendee[];
	/** Registered at the door (by an organizer or by self check-in). */
	walkIns: number;
	/** Still on the waiting list when the doors closed: never admitted. */
	waitlisted: number;
	cancelled: number;
	revoked: number;
	/** Check-ins by how the person came through the door (the admission that counts). */
	byMethod: Record<AdmissionMethod, number>;
	byDevice: DeviceCount[];
	arrivals: ArrivalBucket[];
	doubles: DoubleAdmission[];
	/** Everyone registered or checked in, by name. */
	attendees: Attendee[];
}

const ARRIVAL_BUCKET_MS = 15 * 60 * 1000;
/** Beyond this many quarters (a day) between first and last arrival, empty quarters are left out. */
const MAX_FILLED_BUCKETS = 96;

function nameOf(people: Map<string, Person>, personId: string): string | null {
	return people.get(personId)?.displayName ?? null;
}

/** Every figure of the report; `locale` orders the lists by name. */
export function eventReport(rows: ReportRows, locale: string): EventReport {
	const { event, registrations, checkIns, people } = rows;
	const checkInByPerson = new Map(checkIns.map((row) => [row.personId, row]));
	const registrationByPerson = new Map(registrations.map((row) => [row.personId, row]));

	const attendee = (personId: string): Attendee => {
		const registration = registrationByPerson.get(personId);
		const checkIn = checkInByPerson.get(personId);
		const admissions = checkIn ? admissionsOf(checkIn, people) : [];
		const devices = new Set(admissions.map((admission) => admission.deviceId));
		const first = earliest(admissions);
		return {
			personId,
			name: nameOf(people, personId),
			email: people.get(personId)?.email ?? null,
			status: registration?.status ?? null,
			walkIn: registration?.walkIn ?? false,
			checkedInAt: checkIn ? new Date(checkIn.checkedInAt).toISOString() : null,
			method: first?.method ?? null,
			admissions,
			double: devices.size > 1
		};
	};

	const collator = new Intl.Collator(locale);
	const byName = (a: { name: string | null }, b: { name: string | null }) =>
		collator.compare(a.name ?? '\uffff', b.name ?? '\uffff');
	const personIds = new Set([...registrationByPerson.keys(), ...checkInByPerson.keys()]);
	const attendees = [...personIds].map(attendee).sort(byName);

	const count = (status: RegistrationStatus) =>
		registrations.filter((row) => row.status === status).length;
	const registered = count('registered');
	const registeredCame = registrations.filter(
		(row) => row.status === 'registered' && checkInByPerson.has(row.personId)
	).length;

	const byMethod: Record<AdmissionMethod, number> = { scan: 0, search: 0, walk_in: 0, self: 0 };
	for (const row of attendees) if (row.method) byMethod[row.method]++;

	return {
		registered,
		checkedIn: checkIns.length,
		attendanceRate: registered === 0 ? null : registeredCame / registered,
		noShows: attendees.filter((row) => row.status === 'registered' && row.checkedInAt === null),
		walkIns: registrations.filter((row) => row.walkIn && row.status === 'registered').length,
		waitlisted: registrations.filter(
			(row) => row.status === 'waitlisted' && !checkInByPerson.has(row.personId)
		).length,
		cancelled: count('cancelled'),
		revoked: count('revoked'),
		byMethod,
		byDevice: devicesOf(attendees),
		arrivals: arrivalsOf(checkIns, event.startsAt),
		doubles: attendees
			.filter((row) => row.double)
			.map((row) => ({ personId: row.personId, name: row.name, admissions: row.admissions })),
		attendees
	};
}

function earliest(admissions: ReportAdmission[]): ReportAdmission | undefined {
	return [...admissions].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
}

/** Admissions per device, the busiest first; a device keeps the last name it was given. */
function devicesOf(attendees: Attendee[]): DeviceCount[] {
	const devices = new Map<string, DeviceCount & { namedAt: number }>();
	for (const admission of attendees.flatMap((row) => row.admissions)) {
		const at = Date.parse(admission.at);
		const held = devices.get(admission.deviceId) ?? {
			deviceId: admission.deviceId,
			deviceName: '',
			count: 0,
			namedAt: -Infinity
		};
		held.count++;
		if (admission.deviceName !== '' && at >= held.namedAt) {
			held.deviceName = admission.deviceName;
			held.namedAt = at;
		}
		devices.set(admission.deviceId, held);
	}
	return [...devices.values()]
		.map(({ deviceId, deviceName, count }) => ({ deviceId, deviceName, count }))
		.sort((a, b) => b.count - a.count || a.deviceId.localeCompare(b.deviceId));
}

/**
 * Check-ins per quarter hour, counted from the event's start (so the quarters fall where the
 * event's clock has them, whatever its time zone's offset), from the first arrival to the last.
 */
export function arrivalsOf(checkIns: CheckIn[], startsAt: string): ArrivalBucket[] {
	if (checkIns.length === 0) return [];
	const origin = Date.parse(startsAt);
	const counts = new Map<number, number>();
	for (const row of checkIns) {
		const index = Math.floor((Date.parse(row.checkedInAt) - origin) / ARRIVAL_BUCKET_MS);
		counts.set(index, (counts.get(index) ?? 0) + 1);
	}
	const indexes = [...counts.keys()].sort((a, b) => a - b);
	const first = indexes[0] ?? 0;
	const last = indexes[indexes.length - 1] ?? 0;
	const all =
		last - first < MAX_FILLED_BUCKETS
			? Array.from({ length: last - first + 1 }, (_, offset) => first + offset)
			: indexes;
	return all.map((index) => ({
		start: new Date(origin + index * ARRIVAL_BUCKET_MS).toISOString(),
		count: counts.get(index) ?? 0
	}));
}

/** "2024-05-18 14:02", the wall-clock time in `timeZone` (what the CSV's local column holds). */
export function localDateTime(iso: string, timeZone: string): string {
	const parts = new Intl.DateTimeFormat('en-CA', {
		timeZone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	}).formatToParts(new Date(iso));
	const part = (type: Intl.DateTimeFormatPartTypes) =>
		parts.find((item) => item.type === type)?.value ?? '';
	return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/** The words of the CSV, in the organizer's language. */
export interface CsvLabels {
	headers: {
		name: string;
		email: string;
		status: string;
		walkIn: string;
		checkedInAt: string;
		checkedInLocal: string;
		method: string;
		devices: string;
		double: string;
	};
	status: (status: RegistrationStatus | null) => string;
	method: (method: AdmissionMethod) => string;
	device: (admission: ReportAdmission) => string;
	someone: string;
	yes: string;
	no: string;
}

/** The attendee list as CSV (domain/csv.ts: formulas defused, names and emails are typed by anyone). */
export function attendeeCsv(report: EventReport, timeZone: string, labels: CsvLabels): string {
	const { headers } = labels;
	return toCsv(
		[
			headers.name,
			headers.email,
			headers.status,
			headers.walkIn,
			headers.checkedInAt,
			headers.checkedInLocal,
			headers.method,
			headers.devices,
			headers.double
		],
		report.attendees.map((row) => [
			row.name ?? labels.someone,
			row.email ?? '',
			labels.status(row.status),
			row.walkIn ? labels.yes : labels.no,
			row.checkedInAt ?? '',
			row.checkedInAt ? localDateTime(row.checkedInAt, timeZone) : '',
			row.method ? labels.method(row.method) : '',
			row.admissions.map(labels.device).join('; '),
			row.double ? labels.yes : labels.no
		])
	);
}
