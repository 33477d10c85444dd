#!/usr/bin/env bash
# Install Debian's chromium package for the browser tests when /usr/bin/chromium is missing.
# Needs root (apt-get); does nothing when the browser is already there.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo unknown version)"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core

/usr/bin/chromium --version
