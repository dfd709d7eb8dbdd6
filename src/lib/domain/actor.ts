import type { Role } from './entities';

/** Who is acting: the signed-in person and the roles their group memberships give them. */
export interface Actor {
	personId: string;
	roles: readonly Role[];
}

/** What a signed-in person (as their session names them: id and roles) acts as. */
export function actorOfPerson(person: { id: string; roles: readonly Role[] }): Actor {
	return { personId: person.id, roles: person.roles };
}
