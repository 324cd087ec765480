#!/usr/bin/env bash
# The test suite on a fresh machine: fetch what the tests need (Fashion-MNIST; Debian's
# python3-torch for the PyTorch interop tests, which skip without it), then build, test and install
# every module (install: the example plug-in in examples/ builds against the installed vq-core in
# an end-to-end test).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/fetch-data.sh fashion-mnist
scripts/install-pytorch.sh || echo "test.sh: without python3-torch the PyTorch interop tests skip"
mvn -B install "$@"
