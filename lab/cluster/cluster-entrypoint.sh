#!/bin/bash
# Runs one role of the lab cluster: `etcd`, `node` (Patroni + PostgreSQL 15) or `haproxy`.
# Settings come from the environment (docker-compose.yml sets them).
set -euo pipefail
role=${1:-node}

case "$role" in
etcd)
  exec etcd --name "${DCS_NAME:-etcd}" --data-dir /var/lib/etcd/data \
    --listen-client-urls http://0.0.0.0:2379 --advertise-client-urls "http://${DCS_NAME:-etcd}:2379" \
    --listen-peer-urls http://0.0.0.0:2380 --initial-advertise-peer-urls "http://${DCS_NAME:-etcd}:2380" \
    --initial-cluster "${DCS_NAME:-etcd}=http://${DCS_NAME:-etcd}:2380" --initial-cluster-state new \
    --log-level warn
  ;;
haproxy)
  exec haproxy -W -db -f /usr/local/share/faultline/haproxy.cfg
  ;;
node)
  : "${PATRONI_NAME:?PATRONI_NAME must be set}" "${CLUSTER_SCOPE:=faultline-cluster}" "${ETCD_HOSTS:=etcd:2379}"
  : "${DB_USER:=faultline}" "${DB_PASSWORD:=faultline}" "${DB_NAME:=faultline}" "${REPLICATION_PASSWORD:=replicator}"
  # Short TTL and loop so a failover takes seconds (Patroni's defaults take 30 s+).
  cat >/var/lib/postgresql/patroni.yml <<YAML
scope: ${CLUSTER_SCOPE}
name: ${PATRONI_NAME}
log:
  level: INFO
restapi:
  listen: 0.0.0.0:8008
  connect_address: ${PATRONI_NAME}:8008
etcd3:
  hosts: ${ETCD_HOSTS}
bootstrap:
  dcs:
    ttl: ${PATRONI_TTL:-10}
    loop_wait: ${PATRONI_LOOP_WAIT:-1}
    retry_timeout: ${PATRONI_RETRY_TIMEOUT:-4}
    maximum_lag_on_failover: 16777216
    # A commit is acknowledged once the synchronous replica has it: a killed leader loses no
    # acknowledged write (as with Aurora's quorum storage). Not strict: a lone leader still writes.
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_level: replica
        hot_standby: 'on'
        wal_log_hints: 'on'
        max_wal_senders: 10
        max_replication_slots: 10
        max_connections: 300
        wal_keep_size: 256MB
  initdb:
    - encoding: UTF8
    - auth-local: trust
  pg_hba:
    - local all all trust
    - host replication replicator 0.0.0.0/0 scram-sha-256
    - host all all 0.0.0.0/0 scram-sha-256
  post_bootstrap: /usr/local/share/faultline/post-bootstrap.sh
postgresql:
  listen: 0.0.0.0:5432
  connect_address: ${PATRONI_NAME}:5432
  data_dir: /var/lib/postgresql/data
  bin_dir: /usr/lib/postgresql/15/bin
  pgpass: /tmp/pgpass
  # A new replica copies the leader at once (a spread checkpoint would make it wait minutes).
  basebackup:
    - checkpoint: fast
  authentication:
    superuser:
      username: ${DB_USER}
      password: ${DB_PASSWORD}
    replication:
      username: replicator
      password: ${REPLICATION_PASSWORD}
    rewind:
      username: ${DB_USER}
      password: ${DB_PASSWORD}
  parameters:
    unix_socket_directories: /var/run/postgresql
    password_encryption: scram-sha-256
tags:
  nofailover: false
  noloadbalance: false
YAML
  export DB_NAME DB_USER
  exec patroni /var/lib/postgresql/patroni.yml
  ;;
*)
  echo "unknown role \"$role\" (etcd, node or haproxy)" >&2
  exit 2
  ;;
esac
