#!/usr/bin/env bash
# Install the Debian packages the system and its tests need when they are missing:
# Chromium and its driver (browser tests), Java (ODK Validate, bundled with pyxform),
# Pango (WeasyPrint's PDF rendering) and poppler-utils (PDF pages as images in tests).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
command -v java >/dev/null || missing+=(default-jre-headless)
ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so.0" || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "Missing system packages and this user cannot install them: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
echo "Installing system packages (apt-get): ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
