#!/usr/bin/env bash
# Fetches a dataset to where the vqlc readers look for it (io.github.vqlc.core.data).
#
#   scripts/fetch-data.sh fashion-mnist   Debian package dataset-fashion-mnist (-> /usr/share/datasets/fashion-mnist)
#                                         when apt-get can be used as root, else the four official .gz files
#                                         -> data/fashion-mnist
#   scripts/fetch-data.sh mnist           the four .gz files from a public mirror -> data/mnist (Debian has no package)
#   scripts/fetch-data.sh cifar10         CIFAR-10 binary version -> data/cifar10/cifar-10-batches-bin
#
# data/ is relative to the current directory: run this from where you run vqlc (normally the repo
# root), because the readers look in ./data/<name> when data.root is not set.
# Does nothing (exit 0) when the data is already present.
set -euo pipefail

FASHION_BASE="http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
MNIST_BASES=("https://ossci-datasets.s3.amazonaws.com/mnist/" "https://storage.googleapis.com/cvdf-datasets/mnist/")
CIFAR_URL="https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"
IDX_FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
CIFAR_FILES=(data_batch_1.bin data_batch_2.bin data_batch_3.bin data_batch_4.bin data_batch_5.bin test_batch.bin)

usage() {
  echo "usage: $0 fashion-mnist|mnist|cifar10" >&2
  exit 2
}

# true if dir holds the four IDX files, each raw or .gz
have_idx() {
  local dir=$1 f
  for f in "${IDX_FILES[@]}"; do
    [[ -f "$dir/$f" || -f "$dir/$f.gz" ]] || return 1
  done
}

have_cifar() {
  local dir=$1 f
  for f in "${CIFAR_FILES[@]}"; do
    [[ -f "$dir/$f" ]] || return 1
  done
}

need_curl() {
  command -v curl >/dev/null 2>&1 || { echo "error: curl is needed to download $1; install it or fetch the files by hand" >&2; exit 1; }
}

# download URL DEST: to a temporary name first, so an interrupted download leaves no partial file
download() {
  local url=$1 dest=$2
  curl -fsSL --retry 3 --connect-timeout 20 -o "$dest.part" "$url" || { rm -f "$dest.part"; return 1; }
  mv "$dest.part" "$dest"
}

# download the four IDX .gz files into DIR, trying each base URL in turn
fetch_idx() {
  local dir=$1; shift
  local f base ok
  need_curl "$dir"
  mkdir -p "$dir"
  for f in "${IDX_FILES[@]}"; do
    if [[ -f "$dir/$f.gz" ]] && gzip -t "$dir/$f.gz" 2>/dev/null; then
      echo "  $dir/$f.gz already there"
      continue
    fi
    ok=0
    for base in "$@"; do
      echo "  downloading $base$f.gz"
      if download "$base$f.gz" "$dir/$f.gz" && gzip -t "$dir/$f.gz" 2>/dev/null; then
        ok=1
        break
      fi
      rm -f "$dir/$f.gz"
      echo "  failed: $base$f.gz" >&2
    done
    [[ $ok == 1 ]] || { echo "error: could not download $f.gz" >&2; exit 1; }
  done
  echo "downloaded the four files into $dir"
}

# prints the command prefix that runs apt-get as root ("" or "sudo -n"); fails if there is none
root_prefix() {
  if [[ $(id -u) == 0 ]]; then
    echo ""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "sudo -n"
  else
    return 1
  fi
}

[[ $# == 1 ]] || usage
name=$1

case "$name" in
  fashion-mnist)
    for dir in /usr/share/datasets/fashion-mnist data/fashion-mnist; do
      if have_idx "$dir"; then
        echo "fashion-mnist already present in $dir; nothing to do"
        exit 0
      fi
    done
    if command -v apt-get >/dev/null 2>&1 && prefix=$(root_prefix); then
      echo "installing Debian package dataset-fashion-mnist (apt-get)"
      if $prefix apt-get update -qq && $prefix env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null \
          && have_idx /usr/share/datasets/fashion-mnist; then
        echo "fashion-mnist installed in /usr/share/datasets/fashion-mnist"
        exit 0
      fi
      echo "apt-get could not install dataset-fashion-mnist; downloading the files instead" >&2
    fi
    echo "downloading fashion-mnist into data/fashion-mnist"
    fetch_idx data/fashion-mnist "$FASHION_BASE"
    ;;
  mnist)
    if have_idx data/mnist; then
      echo "mnist already present in data/mnist; nothing to do"
      exit 0
    fi
    echo "downloading mnist into data/mnist"
    fetch_idx data/mnist "${MNIST_BASES[@]}"
    ;;
  cifar10)
    for dir in data/cifar10 data/cifar10/cifar-10-batches-bin; do
      if have_cifar "$dir"; then
        echo "cifar10 already present in $dir; nothing to do"
        exit 0
      fi
    done
    need_curl cifar10
    mkdir -p data/cifar10
    echo "downloading $CIFAR_URL (about 170 MB)"
    download "$CIFAR_URL" data/cifar10/cifar-10-binary.tar.gz
    tar -xzf data/cifar10/cifar-10-binary.tar.gz -C data/cifar10
    rm -f data/cifar10/cifar-10-binary.tar.gz
    have_cifar data/cifar10/cifar-10-batches-bin || { echo "error: the archive did not contain the expected .bin files" >&2; exit 1; }
    echo "cifar10 unpacked into data/cifar10/cifar-10-batches-bin"
    ;;
  *)
    usage
    ;;
esac
