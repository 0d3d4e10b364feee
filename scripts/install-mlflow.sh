#!/usr/bin/env bash
# Installs the MLflow tracking server (PyPI package `mlflow`, pinned below) into
# a virtual environment under .cache/, which git ignores. The tracking tests
# start `mlflow server` from there; users may point MLFLOW_TRACKING_URI at any
# other server instead.
# Idempotent: does nothing when the pinned version is already installed.
set -euo pipefail

# 3.18.0 requires mlflow-tracing 3.18.0, which PyPI did not serve when this was pinned.
MLFLOW_VERSION="3.17.2"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.cache/mlflow-venv"

if [[ -x "$venv/bin/mlflow" ]] &&
  [[ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("mlflow"))' 2>/dev/null)" == "$MLFLOW_VERSION" ]]; then
  echo "mlflow $MLFLOW_VERSION already installed in $venv"
  exit 0
fi

python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "mlflow==$MLFLOW_VERSION"
echo "mlflow $MLFLOW_VERSION installed in $venv"
"$venv/bin/mlflow" --version
