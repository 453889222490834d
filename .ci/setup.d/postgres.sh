#!/usr/bin/env bash
# PostgreSQL from Debian's packages on 127.0.0.1:5432, with the role and database the Dagster instance test
# (tests/test_postgres_instance.py) uses. Safe to run again: it installs, creates and starts only what is missing.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
ROLE=csdw PASSWORD=csdw DATABASE=csdw_dagster

if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends postgresql
fi
VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters --no-header | awk '{print $1, $2}' | grep -qx "$VERSION main"; then
  $SUDO pg_createcluster "$VERSION" main -- --auth-local=peer --auth-host=scram-sha-256
fi
# Containers have no init system to start it; Debian's wrapper starts the cluster on localhost:5432.
if ! pg_lsclusters --no-header | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
  $SUDO pg_ctlcluster "$VERSION" main start
fi
for _ in $(seq 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p 5432

as_postgres() { $SUDO runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(as_postgres -c "select 1 from pg_roles where rolname = '$ROLE'")" != "1" ]; then
  as_postgres -c "create role $ROLE login password '$PASSWORD'"
fi
if [ "$(as_postgres -c "select 1 from pg_database where datname = '$DATABASE'")" != "1" ]; then
  as_postgres -c "create database $DATABASE owner $ROLE"
fi
echo "PostgreSQL ready: postgresql://$ROLE:***@127.0.0.1:5432/$DATABASE"
