"""The loopback guard in conftest.py can fail: it sees a socket on 0.0.0.0 and tells loopback apart."""

import os
import socket


def test_the_listener_watch_sees_a_socket_on_every_address(listener_guard):
    wide, local = socket.socket(), socket.socket()
    try:
        wide.bind(("0.0.0.0", 0))
        if listener_guard.watch is not None:  # this one is on purpose
            listener_guard.watch.allowed_ports.add(wide.getsockname()[1])
        wide.listen()
        local.bind(("127.0.0.1", 0))
        local.listen()
        seen = {(host, port) for host, port, _ in listener_guard.listeners(os.getuid())}
        assert ("0.0.0.0", wide.getsockname()[1]) in seen
        assert ("127.0.0.1", local.getsockname()[1]) in seen
    finally:
        wide.close()
        local.close()


def test_loopback_is_told_apart_from_every_other_address(listener_guard):
    is_loopback, address = listener_guard.is_loopback, listener_guard.address
    assert not is_loopback("0.0.0.0") and is_loopback("127.0.0.1")
    assert is_loopback(address("00000000000000000000000001000000:1F90")[0])      # ::1
    assert is_loopback(address("0000000000000000FFFF00000100007F:1F90")[0])      # ::ffff:127.0.0.1
    assert not is_loopback(address("00000000000000000000000000000000:1F90")[0])  # ::
    assert address("0100007F:1F90") == ("127.0.0.1", 8080)
