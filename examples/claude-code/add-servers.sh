#!/usr/bin/env bash
# Register argonaut-mcp with Claude Code. Run one of the two commands.
set -euo pipefail

# The sandbox: start it first, in another terminal, with a fixed token:
#   argonaut-mcp sandbox --port 8080 --token sandbox.local.token
claude mcp add --transport stdio \
  --env ARGOCD_SERVER=http://127.0.0.1:8080 \
  --env ARGOCD_AUTH_TOKEN=sandbox.local.token \
  argocd-sandbox -- argonaut-mcp serve

# A real Argo CD. The token is expanded now and stored in Claude Code's config
# (~/.claude.json). Leave out both --env options to use `argocd login`'s contexts file instead.
# claude mcp add --transport stdio --scope user \
#   --env ARGOCD_SERVER=https://argocd.example.com \
#   --env ARGOCD_AUTH_TOKEN="$ARGOCD_AUTH_TOKEN" \
#   argocd -- argonaut-mcp serve
