# Sourced by run.sh and test.sh: create .venv with Python 3.11 and install the project.
# Usage: ensure_venv [extra]   (extra: "test" installs the test dependencies too)
ensure_venv() {
  local extra="${1:-}"
  local py="${PYTHON:-}"
  if [ -z "$py" ]; then
    if command -v python3.11 >/dev/null 2>&1; then py=python3.11; else py=python3; fi
  fi
  if [ ! -x .venv/bin/python ]; then
    "$py" -m venv .venv
  fi
  local stamp=".venv/.installed-${extra:-base}"
  # Reinstall only when pyproject.toml changed since the last install.
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    # The venv's own pip (23+) installs editable pyproject projects; upgrading it first
    # costs seconds on every fresh install.
    if [ -n "$extra" ]; then
      .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[${extra}]"
    else
      .venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
    fi
    touch "$stamp"
  fi
}
