#!/usr/bin/env bash
# Run a command with the network cut: a fresh network namespace in which only the loopback
# interface is up (Jupyter kernels talk to their client over 127.0.0.1, the browser tests to a
# local server). If the machine refuses namespaces (macOS, some containers), say so loudly,
# export MLSD_NETWORK_CUT=0 and run the command anyway: tests/offline/test_network_is_cut.py then
# reports a skip, never a silent pass.
set -euo pipefail
if [ "${MLSD_NETWORK_CUT:-}" = 1 ]; then exec "$@"; fi
here="$(cd "$(dirname "$0")" && pwd)"
inner='python3 "$0" || exit 1; export MLSD_NETWORK_CUT=1; exec "$@"'
if command -v unshare >/dev/null 2>&1; then
  for flags in "--net" "--net --map-root-user"; do
    # shellcheck disable=SC2086
    if unshare $flags true 2>/dev/null; then
      echo "offline.sh: running with the network cut (unshare $flags; loopback only)"
      # shellcheck disable=SC2086
      exec unshare $flags -- bash -c "$inner" "$here/loopback_up.py" "$@"
    fi
  done
fi
echo "offline.sh: WARNING: this machine refuses network namespaces; running WITH the network." >&2
echo "offline.sh: the no-network check will be reported as SKIPPED." >&2
export MLSD_NETWORK_CUT=0
exec "$@"
