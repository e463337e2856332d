#!/bin/bash
# Patroni runs this once, on the node that bootstraps the cluster: the application database and
# the business schema (init.sql is mounted at /docker-entrypoint-initdb.d, as for the lab's db).
set -euo pipefail
psql -v ON_ERROR_STOP=1 -h /var/run/postgresql -U "${DB_USER:-faultline}" -d postgres -c "CREATE DATABASE \"${DB_NAME:-faultline}\""
for f in /docker-entrypoint-initdb.d/*.sql; do
  [ -e "$f" ] && psql -v ON_ERROR_STOP=1 -q -h /var/run/postgresql -U "${DB_USER:-faultline}" -d "${DB_NAME:-faultline}" -f "$f"
done
