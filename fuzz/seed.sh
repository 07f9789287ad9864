#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the repository's fixtures (run from anywhere).
# The pipeline target reads its first byte as the file kind: 0 Dockerfile,
# 1 .dockerignore, 2 shell script, 3 Kubernetes YAML, 4 gunicorn configuration,
# 5 systemd unit, 6 compose file (see FILE_NAMES in src/lib.rs).
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../fixtures
for target in pipeline dockerfile dockerignore shell yaml; do
  mkdir -p "corpus/$target"
done

add() { # target file [kind byte]
  local target="$1" file="$2" name
  name="$(sha1sum "$file" | cut -c1-16)"
  if [ "$#" -eq 3 ]; then
    { printf "\\x0$3"; cat "$file"; } > "corpus/$target/$name"
  else
    cp "$file" "corpus/$target/$name"
  fi
}

while IFS= read -r -d '' file; do
  base="$(basename "$file")"
  case "$base" in
    *.snap|*.snap.new|*.toml) continue ;;
    *dockerignore)
      add dockerignore "$file"; add pipeline "$file" 1 ;;
    *Dockerfile*|*Containerfile*)
      add dockerfile "$file"; add pipeline "$file" 0
      # The shell of RUN, CMD and ENTRYPOINT lines seeds the shell parser.
      shell="$(mktemp)"
      sed -n 's/^\(RUN\|CMD\|ENTRYPOINT\) \(.*\)$/\2/p' "$file" > "$shell"
      if [ -s "$shell" ]; then add shell "$shell"; add pipeline "$shell" 2; fi
      rm -f "$shell" ;;
    *.sh)
      add shell "$file"; add pipeline "$file" 2 ;;
    *compose*.yaml|*compose*.yml)
      add yaml "$file"; add pipeline "$file" 6 ;;
    *.yaml|*.yml)
      add yaml "$file"; add pipeline "$file" 3 ;;
    gunicorn*.py)
      add pipeline "$file" 4 ;;
    *.service|*.socket|*.timer)
      add pipeline "$file" 5 ;;
  esac
done < <(find "$fixtures" -type f -print0)

# Hand-made seeds for the limits: deep nesting, aliases, unterminated constructs.
extra() { # target kind-byte text
  local file
  file="$(mktemp)"
  printf '%s' "$3" > "$file"
  add "$1" "$file"
  add pipeline "$file" "$2"
  rm -f "$file"
}
deep() { printf "%$2s" "" | sed "s/ /$1/g"; }
extra dockerfile 0 "$(printf 'FROM a AS b\nRUN <<EOF\necho\nONBUILD RUN x\nCMD ["a", "b"\nENV A="b\nRUN ')$(deep '(' 300)"
extra dockerfile 0 "$(printf 'FROM a\nARG B=${C:-${D:+${E}}}\nRUN sh -c "bash -c \\"gunicorn app:app\\""\nCMD ')$(deep '[' 300)"
extra shell 2 "$(printf 'case $x in a) (echo $(cat <<EOF\nhi\nEOF\n));; esac\nexec "$@"\n')$(deep '$(' 300)"
extra yaml 3 "$(printf 'apiVersion: v1\nkind: ConfigMap\ndata:\n  a: &a [x, *a]\n  b: {<<: *a}\n  c: ')$(deep '[' 300)"
extra dockerignore 1 "$(printf '**/.env\n!a[b-\n\r\n')$(deep '\\' 300)"

for target in pipeline dockerfile dockerignore shell yaml; do
  echo "corpus/$target: $(find "corpus/$target" -type f | wc -l) seeds"
done
