#!/bin/sh
# First start of the database volume only (docker-entrypoint-initdb.d): the application's
# role, which does not own any table. Migrations run as the owner (POSTGRES_USER); the
# web, worker and beat connect as portal_app, which can read and write rows but cannot
# ALTER, DROP or TRUNCATE a table, nor disable the audit table's append-only triggers
# (only an owner can). See docs/operations.md, "Database roles".
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v app_password="$APP_DB_PASSWORD" -v owner="$POSTGRES_USER" -v db="$POSTGRES_DB" <<'SQL'
CREATE ROLE portal_app LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
GRANT CONNECT ON DATABASE :"db" TO portal_app;
GRANT USAGE ON SCHEMA public TO portal_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
-- Every table and sequence the owner's migrations create: rows only.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO portal_app;
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO portal_app;
SQL
