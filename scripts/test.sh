#!/usr/bin/env bash
# The test suite on a fresh machine: fetch what the tests need (Fashion-MNIST), then build and
# run every module's tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/fetch-data.sh fashion-mnist
mvn -B verify "$@"
