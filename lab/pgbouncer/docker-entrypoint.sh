#!/bin/bash
# Writes pgbouncer.ini and the user list from the environment, then runs PgBouncer.
set -euo pipefail
: "${DB_HOST:=db}" "${DB_PORT:=5432}" "${DB_USER:?DB_USER must be set}" "${DB_PASSWORD:?DB_PASSWORD must be set}"

printf '"%s" "%s"\n' "$DB_USER" "$DB_PASSWORD" >/etc/pgbouncer/userlist.txt
# The workload's role, when given: it logs in through PgBouncer too, and is no PgBouncer admin.
if [ -n "${WORKLOAD_USER:-}" ]; then
  printf '"%s" "%s"\n' "$WORKLOAD_USER" "${WORKLOAD_PASSWORD:?WORKLOAD_PASSWORD must be set with WORKLOAD_USER}" >>/etc/pgbouncer/userlist.txt
fi
cat >/etc/pgbouncer/pgbouncer.ini <<INI
[databases]
* = host=$DB_HOST port=$DB_PORT

[pgbouncer]
listen_addr = 0.0.0.0
listen_port = 6432
unix_socket_dir =
auth_type = scram-sha-256
auth_file = /etc/pgbouncer/userlist.txt
admin_users = $DB_USER
pool_mode = ${POOL_MODE:-transaction}
max_client_conn = ${MAX_CLIENT_CONN:-2000}
default_pool_size = ${DEFAULT_POOL_SIZE:-60}
max_db_connections = ${MAX_DB_CONNECTIONS:-200}
; While the server is away, client connections stay open and queries on them wait (up to
; query_wait_timeout) for a server; logins to the server are retried every second. PgBouncer
; still fails fast where RDS Proxy would wait: a client whose server died mid-query is
; disconnected, and new client logins are refused while server logins fail.
query_wait_timeout = ${QUERY_WAIT_TIMEOUT:-60}
server_connect_timeout = 2
server_login_retry = ${SERVER_LOGIN_RETRY:-1}
dns_max_ttl = 1
dns_nxdomain_ttl = 1
server_check_delay = 0
ignore_startup_parameters = extra_float_digits,options,statement_timeout
log_connections = 0
log_disconnections = 0
INI
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
