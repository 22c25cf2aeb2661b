#!/usr/bin/env bash
# Run the whole suite in parallel. pytest's exit code 5 ("no tests collected") is a failure here:
# a run that tests nothing must never pass.
set -uo pipefail
cd "$(dirname "$0")/.."
workers="${WHITEWALL_TEST_WORKERS:-auto}"
.venv/bin/pytest -n "$workers" --dist loadgroup "$@"
code=$?
if [ "$code" -eq 5 ]; then
  echo "pytest collected no tests: failing on purpose." >&2
  exit 1
fi
exit "$code"
