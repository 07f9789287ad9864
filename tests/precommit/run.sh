#!/usr/bin/env bash
# The pre-commit hook, for real: pre-commit from PyPI (in a reused virtualenv) runs this
# repository's `.pre-commit-hooks.yaml` with `pre-commit try-repo` on a throwaway git
# repository. A broken Dockerfile must fail the hook with its codes (DF000 and DF001 from
# the file itself, DI001 from the project around it); once fixed, the hook must pass.
#
# try-repo clones the committed HEAD of this repository (plus tracked, uncommitted
# changes) and builds the hook with `cargo install`, once per try-repo call. A shared
# target directory keeps the dependencies compiled between runs, and the release profile
# is turned into a quick build: this tests the hook, not the optimiser.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
tools="${XDG_CACHE_HOME:-$HOME/.cache}/deploylint-ci"
venv="$tools/precommit-venv"
mkdir -p "$tools"
if ! "$venv/bin/pre-commit" --version >/dev/null 2>&1; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "pre-commit>=3.7,<5"
fi
export CARGO_TARGET_DIR="$tools/precommit-target"
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_OPT_LEVEL=0
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export CARGO_PROFILE_RELEASE_DEBUG=false
export CARGO_TERM_COLOR=never

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
git init --quiet .
git config user.name "deploylint CI"
git config user.email "ci@deploylint.invalid"
git config commit.gpgsign false
cat > deploylint.toml <<'TOML'
select = ["DF000", "DF001", "DI001"]
TOML
cat > Dockerfile <<'DOCKERFILE'
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUNN pip install --no-cache-dir fastapi uvicorn
CMD uvicorn app:app --host 0.0.0.0 --reload
DOCKERFILE
git add -A
git commit --quiet -m "a broken Dockerfile"

run_hook() {
  "$venv/bin/pre-commit" try-repo "$repo" deploylint --all-files --color never
}

echo "-- the broken Dockerfile must fail the hook"
status=0
run_hook > "$work/fail.log" 2>&1 || status=$?
for code in DF000 DF001 DI001; do
  if [ "$status" -eq 0 ] || ! grep -q "$code" "$work/fail.log"; then
    cat "$work/fail.log"
    echo "FAIL: expected the hook to fail with $code (exit $status)"
    exit 1
  fi
done
grep -E "DF000|DF001|DI001" "$work/fail.log" | sed 's/^/   /'

echo "-- fixed, the hook must pass"
sed -i -e 's/^RUNN /RUN /' -e 's/^CMD .*/CMD ["uvicorn", "app:app", "--host", "0.0.0.0"]/' Dockerfile
printf '.git\n.env\n.venv\n__pycache__\n' > .dockerignore
git add -A
git commit --quiet -m "fixed"
status=0
run_hook > "$work/pass.log" 2>&1 || status=$?
if [ "$status" -ne 0 ] || ! grep -q "^deploylint\.*Passed" "$work/pass.log"; then
  cat "$work/pass.log"
  echo "FAIL: expected the hook to pass after the fix (exit $status)"
  exit 1
fi
grep "^deploylint" "$work/pass.log" | sed 's/^/   /'
echo "precommit: 2 passed, 0 failed"
