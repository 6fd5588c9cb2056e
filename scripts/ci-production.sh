#!/usr/bin/env bash
# CI: the production install, for real, on this machine (no Docker engine needed):
#   1. the build steps of infra/docker/Dockerfile, verbatim, into a staged install with no dev tooling;
#   2. a throwaway database and its two roles on the local PostgreSQL, from infra/postgres/roles.sql;
#   3. proof that the app role cannot DROP, ALTER or CREATE, and that the app refuses to start on
#      a database whose migrations were not run;
#   4. the migrations, run by the migration role (npm run migrate);
#   5. npm run start:prod with the app role: a paper bot created over the API gets fills, SIGTERM
#      exits 0, APP_SECRET rotation with the production tool, restart with the new secret
#      (scripts/ci-production-run.mjs);
#   6. a pg_dump backup restored into a fresh database, as docs/production.md describes;
#   7. the database and roles dropped again (also on failure).
# Needs: node/npm, psql, pg_dump, pg_restore, createdb, and PostgreSQL on 127.0.0.1:5432 with trust auth for
# `postgres` (override with MM_CI_PGHOST, MM_CI_PGPORT, MM_CI_PGUSER). Takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."

PGHOST_=${MM_CI_PGHOST:-127.0.0.1}
PGPORT_=${MM_CI_PGPORT:-5432}
PGUSER_=${MM_CI_PGUSER:-postgres}
SUFFIX=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
DB=mm_ci_$SUFFIX
MIGRATOR=mm_ci_migrator_$SUFFIX
APP=mm_ci_app_$SUFFIX
MIGRATOR_PW=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
APP_PW=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
MIGRATION_URL="postgres://$MIGRATOR:$MIGRATOR_PW@$PGHOST_:$PGPORT_/$DB"
APP_URL="postgres://$APP:$APP_PW@$PGHOST_:$PGPORT_/$DB"
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/mm-production-XXXXXX")
export STAGE

admin_psql() { psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" -d postgres "$@"; }
cleanup() {
  local status=$?
  admin_psql -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" -c "DROP ROLE IF EXISTS \"$APP\"" -c "DROP ROLE IF EXISTS \"$MIGRATOR\"" >/dev/null 2>&1 || echo "warning: could not drop $DB / $APP / $MIGRATOR" >&2
  rm -rf "$STAGE"
  if [ "$status" -eq 0 ]; then echo "== production CI passed"; else echo "== production CI FAILED (exit $status)" >&2; fi
}
trap cleanup EXIT

echo "== build steps (the RUN lines of infra/docker/Dockerfile's build stage, in order; keep them identical)"
# BEGIN BUILD STEPS
npm ci --no-audit --no-fund
npm run build
node scripts/stage-production.mjs "$STAGE"
npm ci --omit=dev --no-audit --no-fund --prefix "$STAGE"
# END BUILD STEPS

echo "== the staged install has no dev tooling, and dist/ stays out of git"
for tool in tsx typescript esbuild eslint drizzle-kit; do
  if [ -e "$STAGE/node_modules/$tool" ]; then echo "dev tool $tool is in the production install" >&2; exit 1; fi
done
test -f "$STAGE/dist/server/main.js" && test -f "$STAGE/dist/server/drizzle/meta/_journal.json"
git check-ignore -q dist/server/main.js || { echo "dist/ is not git-ignored" >&2; exit 1; }

echo "== database $DB with roles $MIGRATOR (migrations) and $APP (the app), from infra/postgres/roles.sql"
for run in first again; do # idempotent: a second run changes nothing and does not fail
  admin_psql -v db="$DB" -v migrator="$MIGRATOR" -v app="$APP" -v migrator_password="$MIGRATOR_PW" -v app_password="$APP_PW" \
    -f infra/postgres/roles.sql 2>&1 | { grep -v 'already exists, skipping' || true; }
  echo "  roles.sql ran ($run)"
done

echo "== the app refuses to start before the migrations ran (MIGRATE_ON_START=false)"
set +e
refused=$(cd "$STAGE" && env -u NODE_OPTIONS NODE_ENV=production DATABASE_URL="$APP_URL" MIGRATE_ON_START=false APP_SECRET=ci-secret-not-used-0123456789 \
  DATA_DIR="$STAGE/data" PORT=0 timeout 60 node dist/server/main.js 2>&1)
code=$?
set -e
if [ "$code" -ne 1 ] || ! grep -q 'npm run migrate' <<<"$refused"; then
  echo "expected exit 1 naming 'npm run migrate', got $code: $refused" >&2
  exit 1
fi
echo "  refused: $(grep -o 'the database schema.*migrations not applied' <<<"$refused" | head -1)"

echo "== migrations, by the migration role"
(cd "$STAGE" && env -u DATABASE_URL DATABASE_MIGRATION_URL="$MIGRATION_URL" npm run --silent migrate)
(cd "$STAGE" && env -u DATABASE_URL DATABASE_MIGRATION_URL="$MIGRATION_URL" npm run --silent migrate) | grep -q 'up to date'

echo "== the app role reads and writes rows but cannot DROP, ALTER or CREATE"
as_app() { psql -X -q -v ON_ERROR_STOP=1 "$APP_URL" -c "$1"; }
must_be_denied() {
  local out
  if out=$(as_app "$1" 2>&1); then echo "the app role could run: $1" >&2; exit 1; fi
  if ! grep -Eq 'must be owner|permission denied' <<<"$out"; then echo "unexpected error for '$1': $out" >&2; exit 1; fi
  echo "  denied: $1 -> $(head -1 <<<"$out")"
}
must_be_denied 'DROP TABLE fills'
must_be_denied 'ALTER TABLE bots ADD COLUMN intruder integer'
must_be_denied 'ALTER TABLE orders RENAME TO orders_old'
must_be_denied 'CREATE TABLE intruder (id integer)'
must_be_denied 'TRUNCATE fills'
must_be_denied 'CREATE SCHEMA intruder'
must_be_denied 'DROP SCHEMA drizzle CASCADE'
must_be_denied 'DELETE FROM drizzle.__drizzle_migrations'
as_app 'SELECT count(*) FROM bots' >/dev/null
as_app "INSERT INTO settings (key, value) VALUES ('ci-probe', 'true'::jsonb); DELETE FROM settings WHERE key = 'ci-probe'" >/dev/null
echo "  allowed: SELECT, INSERT, DELETE on rows"

echo "== npm run start:prod with the app role: paper bot, fills, SIGTERM, secret rotation, restart"
APP_DATABASE_URL="$APP_URL" node scripts/ci-production-run.mjs

echo "== backup and restore, the commands of docs/production.md"
DUMP="$STAGE/mm.dump"
app_value() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$APP_URL" -c "$1"; }
fills_before=$(app_value 'SELECT count(*) FROM fills')
bots_before=$(app_value 'SELECT count(*) FROM bots')
pg_dump -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" -Fc -d "$DB" -f "$DUMP"
pg_restore --list "$DUMP" >/dev/null
admin_psql -c "DROP DATABASE \"$DB\" WITH (FORCE)"
createdb -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" -O "$MIGRATOR" "$DB"
pg_restore -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" --no-owner --role="$MIGRATOR" --exit-on-error -d "$DB" "$DUMP"
admin_psql -v db="$DB" -v migrator="$MIGRATOR" -v app="$APP" -v migrator_password="$MIGRATOR_PW" -v app_password="$APP_PW" \
  -f infra/postgres/roles.sql 2>&1 | { grep -v 'already exists, skipping' || true; }
fills_after=$(app_value 'SELECT count(*) FROM fills')
bots_after=$(app_value 'SELECT count(*) FROM bots')
if [ "$fills_before" -eq 0 ] || [ "$fills_before" != "$fills_after" ] || [ "$bots_before" != "$bots_after" ]; then
  echo "restore lost data: fills $fills_before -> $fills_after, bots $bots_before -> $bots_after" >&2
  exit 1
fi
owners=$(app_value "SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables WHERE schemaname IN ('public', 'drizzle')")
[ "$owners" = "$MIGRATOR" ] || { echo "restored tables belong to $owners, expected $MIGRATOR" >&2; exit 1; }
(cd "$STAGE" && env -u DATABASE_URL DATABASE_MIGRATION_URL="$MIGRATION_URL" npm run --silent migrate) | grep -q 'up to date'
must_be_denied 'DROP TABLE fills'
as_app "INSERT INTO settings (key, value) VALUES ('ci-probe', 'true'::jsonb); DELETE FROM settings WHERE key = 'ci-probe'" >/dev/null
echo "  restored $fills_after fills and $bots_after bot(s); tables owned by $MIGRATOR; the app role reads and writes, cannot drop"
