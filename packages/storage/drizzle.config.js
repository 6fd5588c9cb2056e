// drizzle-kit configuration. After changing src/schema.ts run
//   npm run db:generate -w @mm/storage -- --name <what-changed>
// and commit the new SQL file and drizzle/meta/. (Plain .js: the root tsconfig covers src/ only.)
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './drizzle',
  strict: true,
  verbose: true,
});
