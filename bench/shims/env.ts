/** `$env/dynamic/private` outside SvelteKit: the process environment, as the built server reads it. */
export const env: Record<string, string | undefined> = process.env;
