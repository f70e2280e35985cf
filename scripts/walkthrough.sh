#!/usr/bin/env bash
# README's walkthrough, as a script CI runs (packages/node/test/walkthrough.test.ts): start a local
# chain, upload the token contract, instantiate it, execute a transfer, query a balance.
#
#   scripts/walkthrough.sh [HOME_DIR] [API_HOST:PORT]
#
# Defaults: a fresh temporary home and 127.0.0.1:1317. Run from the repository root after `npm ci`.
set -euo pipefail
HOME_DIR="${1:-$(mktemp -d)}"
API="${2:-127.0.0.1:1317}"
cloak() { node packages/node/dist/src/cli.js "$@" --home "$HOME_DIR"; }
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }

# 1. Start the chain (it initialises the home: chain secretdev-1, dev accounts a, b, c, d).
node packages/node/dist/src/cli.js start --home "$HOME_DIR" --api "$API" > "$HOME_DIR/node.log" 2>&1 &
NODE_PID=$!
trap 'kill -INT $NODE_PID 2>/dev/null; wait $NODE_PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q '^ready:' "$HOME_DIR/node.log" 2>/dev/null && break; sleep 0.1; done
NODE="http://$API"
cloak status --node "$NODE"

# 2. Upload the token contract.
CODE_ID=$(cloak tx compute store packages/contracts/build/token-v1.wasm --from a --node "$NODE" -o json | json code_id)
echo "code_id: $CODE_ID"

# 3. Instantiate it, with 1000 tokens for a.
A=$(cloak keys show a -a)
B=$(cloak keys show b -a)
INIT="{\"name\":\"Cloak Token\",\"symbol\":\"CLK\",\"decimals\":6,\"initial_balances\":[{\"address\":\"$A\",\"amount\":\"1000\"}]}"
TOKEN=$(cloak tx compute instantiate "$CODE_ID" "$INIT" --from a --label "walkthrough-$$" --node "$NODE" -o json | json contract_address)
echo "contract_address: $TOKEN"

# 4. Transfer 250 to b.
cloak tx compute execute "$TOKEN" "{\"transfer\":{\"recipient\":\"$B\",\"amount\":\"250\"}}" --from a --node "$NODE" > /dev/null

# 5. Query b's balance.
cloak query compute query "$TOKEN" "{\"balance\":{\"address\":\"$B\"}}" --node "$NODE"
