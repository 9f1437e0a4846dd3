#!/bin/sh
# ci-check.sh: check a user file of a pull request with userimp check, as
# a CI job step (examples/github-workflow.yml calls it).
#   ci-check.sh FILE [STORE]
# Each finding becomes a GitHub Actions annotation on the file,
#   ::error file=users.csv,line=12,title=Email::'ann@x' is not an email ...
# (a CSV row is its line; an xlsx row is named in the message), so that it
# shows in the pull request's diff.  The job fails when the file has
# errors (exit 1) or cannot be checked at all (exit 2-5, annotated too).
# STORE (default $USERIMP_DB) is a copy of the production store to check
# uniqueness and groups against; without one the rules alone are checked:
# check never writes, and a missing store reads as an empty one.
# Needs userimp and python3 in PATH.
set -u
file=${1:?usage: ci-check.sh FILE [STORE]}
db=${2:-${USERIMP_DB:-}}
if [ -z "$db" ]; then
	db=${TMPDIR:-/tmp}/ci-check-none.$$.db	# never created
fi
out=$(mktemp) || exit 5
trap 'rm -f "$out"' EXIT

userimp check --json --no-progress -d "$db" "$file" > "$out"
status=$?

python3 - "$file" "$status" "$out" <<'EOF'
import json, sys

file, status, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def prop(s):
    # workflow command properties: % CR LF : and , escaped
    return (s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            .replace(":", "%3A").replace(",", "%2C"))

def data(s):
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

try:
    doc = json.load(open(out))
except ValueError:
    doc = {}
lines = file.lower().endswith((".csv", ".tsv", ".txt"))
for f in doc.get("findings", []):
    kind = "error" if f["severity"] == "error" else "warning"
    where = "file=" + prop(file)
    msg = f["message"]
    if f["row"] and lines:
        where += ",line=%d" % f["row"]
    elif f["row"]:
        msg = "row %d: %s" % (f["row"], msg)
    if f["column"]:
        where += ",title=" + prop(f["column"])
    print("::%s %s::%s" % (kind, where, data(msg)))
if "error" in doc:
    print("::error file=%s::%s" % (prop(file), data(doc["error"]["message"])))
elif status > 1:
    print("::error file=%s::userimp check failed (exit %d)" % (prop(file),
          status))
s = doc.get("summary")
if s and status <= 1:
    print("%s: %d rows, %d with errors, %d warnings" % (file, s["rows"],
          s["rejected"], s["warnings"]))
EOF
exit $status
