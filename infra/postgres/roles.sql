-- mm-engine on PostgreSQL with least privilege: one database and two roles.
--   migrator  owns the database and its schemas; runs the migrations (DDL) and nothing else.
--   app       the server's role: reads and writes rows; cannot CREATE, ALTER or DROP anything.
-- The server then runs with DATABASE_URL=postgres://<app>:...  and MIGRATE_ON_START=false, and
-- `npm run migrate` runs with DATABASE_MIGRATION_URL=postgres://<migrator>:...
--
-- Run as a superuser (idempotent: run it again to change the passwords or finish a failed run):
--   psql -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d postgres \
--     -v db=mm -v migrator=mm_migrator -v app=mm_app \
--     -v migrator_password="$MM_DB_MIGRATOR_PASSWORD" -v app_password="$MM_DB_APP_PASSWORD" \
--     -f infra/postgres/roles.sql
-- (sudo -u postgres psql ... over the local socket works too.) Use passwords without URL
-- special characters, e.g. `openssl rand -hex 24`: they go into postgres:// URLs.
-- With log_statement = 'ddl' or 'all' the server log records the ALTER ROLE ... PASSWORD lines.
\set ON_ERROR_STOP on

-- the roles: no superuser, no role or database creation, no replication, no RLS bypass
SELECT format('CREATE ROLE %I LOGIN', :'migrator') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'migrator') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'app') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
ALTER ROLE :"migrator" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'migrator_password';
ALTER ROLE :"app" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';

-- the database belongs to the migrator; nobody else may connect except the app
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'db', :'migrator', 'UTF8') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
ALTER DATABASE :"db" OWNER TO :"migrator";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"app";

\connect :"db"

-- PostgreSQL 15 already keeps PUBLIC from creating objects in schema public; older versions do not
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO :"migrator";
GRANT USAGE ON SCHEMA public TO :"app";
-- drizzle keeps its bookkeeping table here; the app reads it to check that no migration is pending
CREATE SCHEMA IF NOT EXISTS drizzle AUTHORIZATION :"migrator";
ALTER SCHEMA drizzle OWNER TO :"migrator";
REVOKE ALL ON SCHEMA drizzle FROM PUBLIC;
GRANT USAGE ON SCHEMA drizzle TO :"app";

-- tables and sequences the migrator creates from now on: rows only, for the app
ALTER DEFAULT PRIVILEGES FOR ROLE :"migrator" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"migrator" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"migrator" IN SCHEMA drizzle GRANT SELECT ON TABLES TO :"app";
-- and those that exist already (a database migrated before this script ran)
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";
GRANT SELECT ON ALL TABLES IN SCHEMA drizzle TO :"app";
