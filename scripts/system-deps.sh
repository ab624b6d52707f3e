#!/usr/bin/env bash
# Install the Debian packages the test suite needs when they are missing:
# Chromium and its driver for the browser tests.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "Chromium is missing and this user cannot install it: apt-get install -y chromium chromium-driver" >&2
    exit 1
  fi
fi
echo "Installing Chromium for the browser tests (apt-get)..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
