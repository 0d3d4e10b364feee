#!/usr/bin/env bash
# Installs the Python baselines of `npm run bench` into .cache/venv (ignored by git):
# numpy for the matmul comparison, and with --torch also torch and transformers for
# the PyTorch fine-tune step. Reuses the venv when it already has the packages.
# torch from PyPI is a large download (the CUDA build, about 1 GB with its
# dependencies), which is why the benchmark never installs it on its own.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.cache/venv"
packages=(numpy)
modules="numpy"
if [[ "${1:-}" == "--torch" ]]; then
  packages+=(torch transformers)
  modules="numpy, torch, transformers"
elif [[ -n "${1:-}" ]]; then
  echo "usage: $0 [--torch]" >&2
  exit 2
fi

if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c "import $modules" 2>/dev/null; then
  echo "$modules already installed in $venv"
  exit 0
fi

[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${packages[@]}"
"$venv/bin/python" -c "import $modules; print('installed $modules in $venv')"
