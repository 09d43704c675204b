#!/bin/sh
# Installs the browser tests' tooling (axe-core) exactly as package-lock.json says. Run by the Maven build
# (generate-test-resources); skips itself when the lock file has not changed since the last install.
set -e
cd "$(dirname "$0")"
if command -v npm >/dev/null 2>&1; then
    if [ -f node_modules/axe-core/axe.min.js ] && cmp -s package-lock.json node_modules/.installed-lock; then
        echo "frontend: node_modules up to date"
        exit 0
    fi
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json node_modules/.installed-lock
    echo "frontend: installed axe-core $(node -p "require('axe-core/package.json').version" 2>/dev/null)"
elif [ "${CI:-}" = "true" ]; then
    echo "frontend: npm is missing, and CI=true needs it for the accessibility checks" >&2
    exit 1
else
    echo "frontend: npm not found, skipping npm ci; the browser tests' axe checks will skip themselves"
fi
