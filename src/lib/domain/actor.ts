import type { Role } from './entities';

/** Who is acting: the signed-in person and the roles their group memberships give them. */
export interface Actor {
	personId: string;
	roles: readonly Role[];
}
