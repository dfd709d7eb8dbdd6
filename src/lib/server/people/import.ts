/**
 * Importing people from a CSV: each valid row is matched on its normalised email and becomes a
 * new person, fills an existing person's empty fields, or folds into a person (or an earlier
 * row) with the same mailbox spelled differently. Nothing existing is overwritten. The preview
 * and the apply run the same plan; the apply re-reads the file and the people inside its one
 * transaction and writes every valid row with one version, and no part of a bad row.
 */
import { eq, inArray, sql, TransactionRollbackError } from 'drizzle-orm';
import { newId } from '$lib/domain/ids';
import {
	IMPORT_ACTIONS,
	type ImportAnswer,
	type ImportChange,
	type ImportRow
} from '$lib/domain/people-admin';
import type { Database, Transaction } from '$lib/server/db';
import { resolvePerson } from '$lib/server/db/person-ids';
import { people, personMerges } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { notifyVersion } from '$lib/server/sync/changes';
import { readPeopleCsv, type RowValues } from './csv';
import { normaliseEmail, normalisedEmailSql } from './normalise';

type Reader = Database | Transaction;

/** The fields an import fills; the email and display name of an existing person stay. */
const FILLED = ['pronouns', 'city', 'country', 'languages', 'skills'] as const;
type Filled = Pick<RowValues, (typeof FILLED)[number]>;

/** A person as the plan sees them: existing (with an id) or to be created from a row. */
interface Target {
	id: string;
	existing: { displayName: string; email: string | null } | null;
	/** For a new person: the email and name from the first row. */
	email: string;
	displayName: string | null;
	fields: Filled;
	/** Fields this import fills (for an existing person) — what is written. */
	changed: Set<(typeof FILLED)[number]>;
}

const emptyField = (value: string | string[] | null) =>
	value === null || (Array.isArray(value) && value.length === 0);

const readable = (value: string | string[]) => (Array.isArray(value) ? value.join(', ') : value);

/** Fill the target's empty fields from a row; the changes it makes. */
function fill(target: Target, values: RowValues): ImportChange[] {
	const changes: ImportChange[] = [];
	for (const field of FILLED) {
		const value = values[field];
		if (value === null || !emptyField(target.fields[field])) continue;
		Object.assign(target.fields, { [field]: value });
		target.changed.add(field);
		changes.push({ field, value: readable(value) });
	}
	return changes;
}

const personColumns = {
	id: people.id,
	displayName: people.displayName,
	email: people.email,
	status: people.status,
	pronouns: people.pronouns,
	city: people.city,
	country: people.country,
	languages: people.languages,
	skills: people.skills,
	createdAt: people.createdAt
};
type Existing = Pick<typeof people.$inferSelect, keyof typeof personColumns>;

async function existingPeople(db: Reader, mailboxes: string[]): Promise<Existing[]> {
	if (mailboxes.length === 0) return [];
	return db
		.select(personColumns)
		.from(people)
		.where(inArray(normalisedEmailSql(people.email), mailboxes))
		.orderBy(people.createdAt, people.id);
}

/**
 * Mailboxes that belonged to people merged away since (their address was cleared at the
 * merge and kept in the log's snapshot), each with the active person it resolves to: an
 * export made before the merge then adds to the survivor instead of making a third record.
 */
async function formerMailboxes(db: Reader, mailboxes: string[]): Promise<Map<string, Existing>> {
	const found = new Map<string, Existing>();
	if (mailboxes.length === 0) return found;
	const formerEmail = sql<string>`${personMerges.snapshot} -> 'person' ->> 'email'`;
	const merged = await db
		.select({ mergedId: personMerges.mergedId, email: formerEmail })
		.from(personMerges)
		.where(inArray(normalisedEmailSql(formerEmail), mailboxes))
		.orderBy(personMerges.createdAt);
	for (const { mergedId, email } of merged) {
		const mailbox = normaliseEmail(email);
		const survivor = await resolvePerson(db, mergedId);
		if (found.has(mailbox) || survivor?.status !== 'active') continue;
		const [row] = await db.select(personColumns).from(people).where(eq(people.id, survivor.id));
		if (row) found.set(mailbox, row);
	}
	return found;
}

interface Plan {
	answer: Omit<ImportAnswer, 'applied'>;
	targets: Target[];
	/** The person each valid row writes to, by row number. */
	rowTargets: Map<number, Target>;
}

/** What the file would do to the people as they are now. */
export async function planImport(db: Reader, csv: string): Promise<Plan> {
	const reading = readPeopleCsv(csv);
	const counts = Object.fromEntries(
		IMPORT_ACTIONS.map((action) => [action, 0])
	) as ImportAnswer['counts'];
	if (reading.fileError)
		return {
			answer: { fileError: reading.fileError, counts, ignoredColumns: [], rows: [] },
			targets: [],
			rowTargets: new Map()
		};

	const mailboxes = [
		...new Set(
			reading.rows.flatMap((row) => (row.values ? [normaliseEmail(row.values.email)] : []))
		)
	];
	const byMailbox = new Map<string, Existing[]>();
	for (const person of await existingPeople(db, mailboxes)) {
		if (person.email === null) continue;
		const mailbox = normaliseEmail(person.email);
		byMailbox.set(mailbox, [...(byMailbox.get(mailbox) ?? []), person]);
	}

	const former = await formerMailboxes(
		db,
		mailboxes.filter((mailbox) => !byMailbox.has(mailbox))
	);

	const targets = new Map<string, Target>();
	const firstRow = new Map<string, number>();
	const rowTargets = new Map<number, Target>();
	const rows: ImportRow[] = [];
	for (const read of reading.rows) {
		const row: ImportRow = {
			row: read.row,
			action: 'error',
			email: read.email,
			displayName: read.displayName,
			target: null,
			sameAsRow: null,
			changes: [],
			errors: [...read.errors]
		};
		rows.push(row);
		const values = read.values;
		if (!values) continue;
		const mailbox = normaliseEmail(values.email);
		let target = targets.get(mailbox);
		if (target) {
			// An earlier row of this file has the same mailbox: this one folds into it.
			row.action = 'merge';
			row.sameAsRow = firstRow.get(mailbox) ?? null;
		} else {
			const formerly = former.get(mailbox);
			const matches = byMailbox.get(mailbox) ?? (formerly ? [formerly] : []);
			const literal = matches.find((person) => person.email === values.email);
			if (literal && literal.status !== 'active') {
				row.action = 'error';
				row.errors.push({ code: 'email_unavailable', column: 'email' });
				continue;
			}
			const match = literal ?? matches.find((person) => person.status === 'active');
			if (!match && values.displayName === null) {
				row.errors.push({ code: 'name_missing', column: 'displayName' });
				continue;
			}
			target = {
				id: match?.id ?? newId(),
				existing: match ? { displayName: match.displayName, email: match.email } : null,
				email: values.email,
				displayName: match ? match.displayName : values.displayName,
				fields: match
					? {
							pronouns: match.pronouns,
							city: match.city,
							country: match.country,
							languages: match.languages,
							skills: match.skills
						}
					: { pronouns: null, city: null, country: null, languages: null, skills: null },
				changed: new Set()
			};
			targets.set(mailbox, target);
			firstRow.set(mailbox, read.row);
			row.action = !match ? 'create' : literal ? 'update' : 'merge';
		}
		rowTargets.set(read.row, target);
		if (target.existing)
			row.target = {
				id: target.id,
				displayName: target.existing.displayName,
				email: target.existing.email
			};
		const changes = fill(target, values);
		row.changes =
			row.action === 'create'
				? [
						{ field: 'email', value: values.email },
						{ field: 'displayName', value: values.displayName ?? '' },
						...changes
					]
				: changes;
		if (row.action === 'update' && changes.length === 0) row.action = 'unchanged';
	}
	for (const row of rows) counts[row.action]++;
	return {
		answer: { fileError: null, counts, ignoredColumns: reading.ignoredColumns, rows },
		targets: [...targets.values()],
		rowTargets
	};
}

/** Largest batch of new people in one INSERT (ten parameters a row, under PostgreSQL's 65,535). */
const INSERT_BATCH = 1000;

async function write(tx: Transaction, targets: Target[], version: number) {
	const created = targets.filter((target) => target.existing === null);
	for (let start = 0; start < created.length; start += INSERT_BATCH)
		await tx.insert(people).values(
			created.slice(start, start + INSERT_BATCH).map((target) => ({
				id: target.id,
				email: target.email,
				displayName: target.displayName ?? target.email,
				pronouns: target.fields.pronouns,
				city: target.fields.city,
				country: target.fields.country,
				languages: target.fields.languages ?? [],
				skills: target.fields.skills ?? [],
				version
			}))
		);

	const updated = targets
		.filter((target) => target.existing !== null && target.changed.size > 0)
		.map((target) => ({
			person: target.id,
			...Object.fromEntries(
				[...target.changed].map((field) => [`new_${field}`, target.fields[field]])
			)
		}));
	if (updated.length === 0) return;
	// One statement for every update, and each field only where it is still empty: a value set
	// since the preview is never overwritten.
	await tx
		.update(people)
		.set({
			pronouns: sql`coalesce(${people.pronouns}, incoming.new_pronouns)`,
			city: sql`coalesce(${people.city}, incoming.new_city)`,
			country: sql`coalesce(${people.country}, incoming.new_country)`,
			languages: sql`case when cardinality(${people.languages}) = 0 and incoming.new_languages is not null then incoming.new_languages else ${people.languages} end`,
			skills: sql`case when cardinality(${people.skills}) = 0 and incoming.new_skills is not null then incoming.new_skills else ${people.skills} end`,
			version
		})
		.from(
			sql`jsonb_to_recordset(${JSON.stringify(updated)}::jsonb) as incoming(person uuid, new_pronouns text, new_city text, new_country text, new_languages text[], new_skills text[])`
		)
		.where(eq(people.id, sql`incoming.person`));
}

/**
 * Preview (apply = false) or apply the import. Applying writes the valid rows in one
 * transaction with one version; a file error writes nothing.
 */
export async function importPeople(
	db: Database,
	csv: string,
	options: { apply: boolean }
): Promise<ImportAnswer> {
	if (!options.apply) {
		const { answer } = await planImport(db, csv);
		return { applied: false, ...answer };
	}
	let answer: ImportAnswer | null = null;
	try {
		await db.transaction(async (tx) => {
			// Taken first: the plan is made with every other writer held back until commit.
			const version = await nextVersion(tx);
			const plan = await planImport(tx, csv);
			answer = { applied: plan.answer.fileError === null, ...plan.answer };
			const writes = plan.targets.some(
				(target) => target.existing === null || target.changed.size > 0
			);
			// Nothing to write: roll back rather than spend a version on nothing.
			if (!writes) tx.rollback();
			await write(tx, plan.targets, version);
			await notifyVersion(tx, version);
			for (const row of plan.answer.rows) {
				const target = plan.rowTargets.get(row.row);
				if (row.action === 'create' && target)
					row.target = {
						id: target.id,
						displayName: target.displayName ?? '',
						email: target.email
					};
			}
		});
	} catch (failure) {
		if (!(failure instanceof TransactionRollbackError)) throw failure;
	}
	if (!answer) throw new Error('the import transaction ended without a plan');
	return answer;
}
