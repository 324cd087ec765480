#!/usr/bin/env bash
# Installs Debian's python3-torch (PyTorch 1.13 for /usr/bin/python3) with OpenBLAS, the peer the
# interop tests and the PyTorch benchmarks run against. Does nothing when /usr/bin/python3 already
# imports torch; without root or apt-get it says so and exits 1 (the interop tests then skip).
set -euo pipefail
if /usr/bin/python3 -c "import torch" >/dev/null 2>&1; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-pytorch.sh: python3-torch is missing and apt-get cannot be run as root here;" \
    "install python3-torch and libopenblas0-pthread by hand" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3-torch python3-numpy libopenblas0-pthread >/dev/null
/usr/bin/python3 -c "import torch; print('install-pytorch.sh: torch', torch.__version__)"
