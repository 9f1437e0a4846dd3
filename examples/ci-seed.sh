#!/bin/sh
# ci-seed.sh: seed a test environment's store in a CI pipeline, failing the
# pipeline on any bad row.  The argon2id cost is lowered for this store only.
set -eu
db=${1:-seed.db}
userimp config -q -d "$db" argon2.m_cost 1024
userimp config -q -d "$db" argon2.t_cost 1
userimp check -d "$db" "$(dirname "$0")/users.csv"
userimp import -d "$db" --json "$(dirname "$0")/users.csv" > import.json
