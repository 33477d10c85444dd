#!/usr/bin/env bash
# Call argonaut-mcp's tools with the MCP Inspector CLI (npm @modelcontextprotocol/inspector;
# 0.15.0 is the last release that runs on Node 20). It calls the sandbox by default. Set
# ARGOCD_SERVER and ARGOCD_AUTH_TOKEN to aim it at a real Argo CD.
#   argonaut-mcp sandbox --port 8080 --token sandbox.local.token   # first, elsewhere
set -euo pipefail

server="${ARGOCD_SERVER:-http://127.0.0.1:8080}"
token="${ARGOCD_AUTH_TOKEN:-sandbox.local.token}"
inspector=(npx -y @modelcontextprotocol/inspector@0.15.0 --cli -e "ARGOCD_SERVER=$server" -e "ARGOCD_AUTH_TOKEN=$token")

"${inspector[@]}" argonaut-mcp serve --method tools/list
"${inspector[@]}" argonaut-mcp serve --method tools/call --tool-name list_applications --tool-arg 'pattern=mentor-web-*'
"${inspector[@]}" argonaut-mcp serve --method tools/call --tool-name batch_sync \
  --tool-arg 'pattern=mentor-web-*' --tool-arg batch_size=3 --tool-arg dry_run=true
