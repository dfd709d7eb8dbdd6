/** The report's words for domain values, and its times, in the event's own time zone. */
import { isolate } from '$lib/client/bidi';
import { formatTime } from '$lib/client/format';
import {
	attendeeCsv,
	deviceShortId,
	type CsvLabels,
	type EventReport,
	type ReportAdmission
} from '$lib/client/event-report';
import type { AdmissionMethod, RegistrationStatus } from '$lib/domain/entities';
import { m } from '$lib/paraglide/messages';

export const methodLabels: Record<AdmissionMethod, () => string> = {
	scan: m.report_method_scan,
	search: m.report_method_search,
	walk_in: m.report_method_walk_in,
	self: m.report_method_self
};

export const statusLabels: Record<RegistrationStatus, () => string> = {
	registered: m.report_status_registered,
	waitlisted: m.report_status_waitlisted,
	cancelled: m.report_status_cancelled,
	revoked: m.report_status_revoked
};

/** "Door 2", or "Device 1a2b" when the door gave it no name. */
export function deviceLabel(device: { deviceId: string; deviceName: string }): string {
	return device.deviceName || m.report_device_unnamed({ id: deviceShortId(device.deviceId) });
}

export function personLabel(name: string | null): string {
	return name ?? m.report_someone();
}

/** "14:02 on Door 2 by Ali", the time where the event is: what its people saw on the wall. */
export function admissionLine(admission: ReportAdmission, timeZone: string): string {
	return m.report_admission({
		time: formatTime(admission.at, timeZone),
		device: isolate(deviceLabel(admission)),
		person: isolate(personLabel(admission.recordedByName))
	});
}

const csvLabels = (): CsvLabels => ({
	headers: {
		name: m.report_csv_name(),
		email: m.report_csv_email(),
		status: m.report_csv_status(),
		walkIn: m.report_csv_walk_in(),
		checkedInAt: m.report_csv_checked_in_at(),
		checkedInLocal: m.report_csv_checked_in_local(),
		method: m.report_csv_method(),
		devices: m.report_csv_devices(),
		double: m.report_csv_double()
	},
	status: (status) => (status ? statusLabels[status]() : m.report_status_none()),
	method: (method) => methodLabels[method](),
	device: deviceLabel,
	someone: m.report_someone(),
	yes: m.report_yes(),
	no: m.report_no()
});

/** The attendee list as CSV, in the organizer's language. */
export function translatedCsv(report: EventReport, timeZone: string): string {
	return attendeeCsv(report, timeZone, csvLabels());
}
