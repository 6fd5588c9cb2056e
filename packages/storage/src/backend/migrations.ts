// The committed migrations folder (drizzle/), shipped with the package and read at start-up.
import { fileURLToPath } from 'node:url';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));
