#!/bin/sh
# One-shot schema setup of the Temporal server's PostgreSQL: creates the temporal and
# temporal_visibility databases and brings both schemas up to the version of the
# temporal-sql-tool on PATH. Re-running it is harmless.
#
# Run by docker-compose.yml's temporal-schema service (admin-tools image) and by `npm run cluster`.
# Reads the server's variables (docker/temporal.env): DB, POSTGRES_SEEDS, DB_PORT,
# POSTGRES_USER, POSTGRES_PWD; SCHEMA_DIR is where the admin-tools image keeps the schema files.
set -eu

schema="${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"
export SQL_PASSWORD="$POSTGRES_PWD"
sql() {
  temporal-sql-tool --plugin "$DB" --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

for db in temporal temporal_visibility; do
  # A database that already exists has its base schema: only new versions apply below.
  if sql --db "$db" create; then sql --db "$db" setup-schema -v 0.0; fi
done
sql --db temporal update-schema -d "$schema/temporal/versioned"
sql --db temporal_visibility update-schema -d "$schema/visibility/versioned"
