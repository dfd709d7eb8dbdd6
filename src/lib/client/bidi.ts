/**
 * A name or address inside a translated sentence, isolated (FSI … PDI) so that a Latin name
 * in an Arabic sentence, or the reverse, keeps its own direction and the sentence its order.
 */
export function isolate(text: string): string {
	return `\u2068${text}\u2069`;
}
