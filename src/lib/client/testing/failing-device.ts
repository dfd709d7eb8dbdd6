/**
 * For specs: a device database whose next write to one table, once armed, fails the way the
 * browser makes it fail. Only the failure is injected (a DBCore middleware doing to the running
 * transaction what the browser does); Dexie, IndexedDB and the app's code run as they are.
 */
import type { DBCore, Middleware } from 'dexie';
import { newId } from '$lib/domain/ids';
import { GatherDatabase } from '../db';

/**
 * `lose`: the browser takes the connection away — the running transaction aborts and the
 * connection closes, firing `close` (a forced close). `quota`: the write is refused for lack of
 * space, so the transaction aborts and keeps nothing.
 */
export type Failure = 'lose' | 'quota';

export function failingDevice(table: string, how: Failure) {
	// Middleware has to be in place before the database opens.
	const db = new GatherDatabase(`failing-${newId()}`);
	let armed = false;
	let failures = 0;
	const middleware: Middleware<DBCore> = {
		stack: 'dbcore',
		name: `fail-${how}`,
		create: (down) => ({
			...down,
			table: (name) => {
				const downTable = down.table(name);
				return {
					...downTable,
					mutate: (request) => {
						if (!armed || name !== table) return downTable.mutate(request);
						armed = false;
						failures++;
						if (how === 'quota')
							return Promise.reject(new DOMException('Quota exceeded', 'QuotaExceededError'));
						(request.trans as unknown as IDBTransaction).abort();
						const connection = db.backendDB();
						connection.close();
						connection.onclose?.call(connection, new Event('close'));
						return Promise.reject(new DOMException('The connection was closed', 'AbortError'));
					}
				};
			}
		})
	};
	db.use(middleware);
	return { db, arm: () => (armed = true), failures: () => failures };
}
