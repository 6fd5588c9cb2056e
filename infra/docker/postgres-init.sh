#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised (docker-entrypoint-initdb.d):
# creates the mm database and its two roles with infra/postgres/roles.sql.
set -eu
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname postgres \
  -v db="$MM_DB_NAME" -v migrator=mm_migrator -v app=mm_app \
  -v migrator_password="$MM_DB_MIGRATOR_PASSWORD" -v app_password="$MM_DB_APP_PASSWORD" \
  -f /mm/roles.sql
