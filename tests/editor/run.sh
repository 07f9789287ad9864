#!/usr/bin/env bash
# The language server driven by a real editor: Neovim (Debian's package, installed when
# missing) runs headless with its built-in LSP client and the script nvim.lua, which
# opens a broken Dockerfile (a misspelled RUN and `--reload`), checks the ranges of DF000
# and DF001, hovers, applies the suppression code action, edits the buffer until each
# finding clears, and stops the server.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
if ! command -v nvim >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq neovim >/dev/null
fi
nvim --version | head -1
(cd "$repo" && cargo build --quiet --bin deploylint)
bin="$repo/target/debug/deploylint"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/service" "$work/service/.git"
cat > "$work/service/Dockerfile" <<'DOCKERFILE'
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUNN pip install --no-cache-dir -r requirements.txt
CMD uvicorn app:app --host 0.0.0.0 --reload
DOCKERFILE
DEPLOYLINT_BIN="$bin" DEPLOYLINT_DOCKERFILE="$work/service/Dockerfile" \
XDG_STATE_HOME="$work/state" XDG_CACHE_HOME="$work/cache" \
  timeout 180 nvim --headless -u NONE -i NONE -n -c "luafile $repo/tests/editor/nvim.lua" </dev/null
