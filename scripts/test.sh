#!/usr/bin/env bash
# The test suite on a fresh machine: fetch what the tests need (Fashion-MNIST; Debian's
# python3-torch for the PyTorch interop tests, which skip without it), then build and run every
# module's tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/fetch-data.sh fashion-mnist
scripts/install-pytorch.sh || echo "test.sh: without python3-torch the PyTorch interop tests skip"
mvn -B verify "$@"
