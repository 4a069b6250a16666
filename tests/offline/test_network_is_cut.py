"""The notebook run happens with the network cut; this check proves it, or skips saying why.

`scripts/offline.sh` runs the tests in a fresh network namespace and exports
MLSD_NETWORK_CUT=1, or 0 when the machine refuses namespaces. The check is passive: it lists the
network interfaces and routes and sends no traffic anywhere.
"""
import os
import socket
from pathlib import Path

import pytest


def test_network_is_cut():
    state = os.environ.get("MLSD_NETWORK_CUT")
    if state != "1":
        pytest.skip("the network was NOT cut for this run (scripts/offline.sh could not create a "
                    "network namespace, or the tests were not started through it): the notebooks "
                    "ran with the network available")
    interfaces = [name for _, name in socket.if_nameindex()]
    assert interfaces == ["lo"], f"expected only the loopback interface, found {interfaces}"
    routes = Path("/proc/net/route").read_text().splitlines()[1:]
    assert routes == [], f"expected no IPv4 routes, found {routes}"
