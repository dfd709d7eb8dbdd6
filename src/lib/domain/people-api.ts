/** The answer of GET /api/people/:id: the person as the caller may see them. */
import { z } from 'zod';
import { personSchema } from './entities';

/**
 * A merged id answers with the merged person (`status: 'merged'`, `mergedInto`): the caller
 * follows `mergedInto` to the person who survived.
 */
export const personResponseSchema = z.object({ person: personSchema });
export type PersonResponse = z.infer<typeof personResponseSchema>;
