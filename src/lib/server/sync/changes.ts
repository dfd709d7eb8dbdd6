/**
 * The change feed: pushes announce the version they committed, and every open
 * `/api/sync/changes` stream passes it on, so online devices pull at once instead of waiting
 * for their timer. In-process: with several app servers behind a balancer, this would be
 * fed by PostgreSQL LISTEN/NOTIFY instead (one NOTIFY per committed push).
 */
type Listener = (version: number) => void;

const listeners = new Set<Listener>();

export function announceVersion(version: number): void {
	for (const listener of listeners) listener(version);
}

/** Listen for committed versions; returns the function that stops listening. */
export function onVersion(listener: Listener): () => void {
	listeners.add(listener);
	return () => listeners.delete(listener);
}

export function listenerCount(): number {
	return listeners.size;
}
