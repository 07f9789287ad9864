#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the repository's fixtures (run from anywhere).
# The pipeline target reads its first byte as the file kind: 0 Dockerfile,
# 1 .dockerignore, 2 shell script, 3 YAML (see FILE_NAMES in src/lib.rs).
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
    *.yaml|*.yml)
      add yaml "$file"; add pipeline "$file" 3 ;;
  esac
done < <(find "$fixtures" -type f -print0)

for target in pipeline dockerfile dockerignore shell yaml; do
  echo "corpus/$target: $(find "corpus/$target" -type f | wc -l) seeds"
done
