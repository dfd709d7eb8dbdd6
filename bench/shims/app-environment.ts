/** `$app/environment` outside SvelteKit: a production server process. */
export const browser = false;
export const building = false;
export const dev = false;
export const version = 'bench';
