import { uuidv7 } from 'uuidv7';

/** Time-ordered UUIDv7: made on the device that creates the row, unique without a server. */
export function newId(): string {
	return uuidv7();
}
