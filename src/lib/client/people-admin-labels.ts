/**
 * Translated words of the admin people screens (duplicates, merges, import), typed over the
 * domain's lists so a new reason, count or error code without a message does not compile.
 */
import { fieldLabels } from '$lib/components/profile/labels';
import type { PrivacyField } from '$lib/domain/entities';
import type {
	DuplicateReason,
	ImportAction,
	ImportColumn,
	ImportFileError,
	ImportRowError,
	MergeCount,
	MergeRefusal
} from '$lib/domain/people-admin';
import { IMPORT_MAX_BYTES } from '$lib/domain/people-admin';
import { m } from '$lib/paraglide/messages';
import { isolate } from './bidi';
import { formatBytes, formatNumber } from './format';
import { AdminRequestError, type AdminFailure } from './people-admin';

export const failureLabels: Record<AdminFailure, () => string> = {
	network: m.dedup_error_network,
	signed_out: m.dedup_error_signed_out,
	forbidden: m.dedup_error_forbidden,
	too_large: () => m.import_file_too_large({ size: formatBytes(IMPORT_MAX_BYTES) }),
	server: m.dedup_error_server
};

export const refusalLabels: Record<MergeRefusal, () => string> = {
	same_person: m.merge_refused_same_person,
	not_found: m.merge_refused_not_found,
	survivor_inactive: m.merge_refused_survivor_inactive,
	merged_inactive: m.merge_refused_merged_inactive
};

/** Any failure of an admin request as a sentence: why a merge was refused, or what went wrong. */
export function adminErrorMessage(error: unknown): string {
	if (!(error instanceof AdminRequestError)) return failureLabels.server();
	return error.refusal ? refusalLabels[error.refusal]() : failureLabels[error.failure]();
}

export const reasonLabels: Record<DuplicateReason, () => string> = {
	email: m.dedup_reason_email,
	name: m.dedup_reason_name
};

/** A field named in a stored log entry, which may predate today's list of fields. */
export function fieldLabel(field: string): string {
	return field in fieldLabels ? fieldLabels[field as PrivacyField]() : field;
}

export const countLabels: Record<MergeCount, () => string> = {
	contributions: m.merge_count_contributions,
	checkIns: m.merge_count_check_ins,
	checkInsFolded: m.merge_count_check_ins_folded,
	awards: m.merge_count_awards,
	awardsFolded: m.merge_count_awards_folded,
	memberships: m.merge_count_memberships,
	membershipsFolded: m.merge_count_memberships_folded,
	registrations: m.merge_count_registrations,
	registrationsFolded: m.merge_count_registrations_folded,
	passkeys: m.merge_count_passkeys,
	sessions: m.merge_count_sessions,
	devices: m.merge_count_devices,
	recoveryCodes: m.merge_count_recovery_codes,
	emailTokens: m.merge_count_email_tokens,
	rejectedMutations: m.merge_count_rejected_mutations,
	eventsOrganized: m.merge_count_events_organized,
	awardsGiven: m.merge_count_awards_given,
	checkInsRecorded: m.merge_count_check_ins_recorded,
	earlierMerges: m.merge_count_earlier_merges
};

export function countLabel(key: string): string {
	return key in countLabels ? countLabels[key as MergeCount]() : key;
}

export const actionLabels: Record<ImportAction, () => string> = {
	create: m.import_action_create,
	update: m.import_action_update,
	unchanged: m.import_action_unchanged,
	merge: m.import_action_merge,
	error: m.import_action_error
};

export const actionCountLabels: Record<ImportAction, (count: number) => string> = {
	create: (count) => m.import_count_create({ count: formatNumber(count) }),
	update: (count) => m.import_count_update({ count: formatNumber(count) }),
	unchanged: (count) => m.import_count_unchanged({ count: formatNumber(count) }),
	merge: (count) => m.import_count_merge({ count: formatNumber(count) }),
	error: (count) => m.import_count_error({ count: formatNumber(count) })
};

export function fileErrorLabel(error: ImportFileError): string {
	const row = formatNumber(error.row ?? 0);
	switch (error.code) {
		case 'empty':
			return m.import_file_empty();
		case 'not_text':
			return m.import_file_not_text();
		case 'too_large':
			return m.import_file_too_large({ size: formatBytes(error.limit ?? IMPORT_MAX_BYTES) });
		case 'too_many_rows':
			return m.import_file_too_many_rows({ count: formatNumber(error.limit ?? 0) });
		case 'unclosed_quote':
			return m.import_file_unclosed_quote({ row });
		case 'malformed':
			return m.import_file_malformed({ row });
		case 'no_email_column':
			return m.import_file_no_email_column();
		case 'duplicate_column':
			return m.import_file_duplicate_column({ column: isolate(error.column ?? '') });
		case 'no_rows':
			return m.import_file_no_rows();
	}
}

const columnLabel = (column: ImportColumn | null) => (column ? fieldLabels[column]() : '');

export function rowErrorLabel(error: ImportRowError): string {
	const field = columnLabel(error.column);
	const max = formatNumber(error.limit ?? 0);
	switch (error.code) {
		case 'column_count':
			return m.import_error_column_count({
				found: formatNumber(error.found ?? 0),
				expected: max
			});
		case 'email_missing':
			return m.import_error_email_missing();
		case 'email_invalid':
			return m.import_error_email_invalid();
		case 'email_unavailable':
			return m.import_error_email_unavailable();
		case 'name_missing':
			return m.import_error_name_missing();
		case 'country_unknown':
			return m.import_error_country_unknown({ value: isolate(error.value ?? '') });
		case 'language_invalid':
			return m.import_error_language_invalid({ value: isolate(error.value ?? '') });
		case 'too_long':
			return m.import_error_too_long({ field, max });
		case 'too_many':
			return m.import_error_too_many({ field, max });
		case 'nul':
			return m.import_error_nul({ field });
	}
}
