"""The loopback guard in conftest.py can fail: it reads the kernel's table of listening sockets,
and a socket on any address but loopback counts against the session. (The test never opens a
socket beyond loopback itself: a row for 0.0.0.0 is written out instead.)"""

import os
import socket

# /proc/net/tcp as the kernel writes it: a header, then one row per socket (state 0A = LISTEN).
HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"


def row(address: str, state: str = "0A", uid: int = 1000, inode: int = 4242) -> str:
    return (f"   0: {address} 00000000:0000 {state} 00000000:00000000 00:00000000 00000000  {uid}"
            f"        0 {inode} 1 0000000000000000 100 0 0 10 0\n")


def test_a_socket_on_every_address_is_read_and_only_loopback_passes(listener_guard):
    table = HEADER + row("00000000:1F90") + row("0100007F:1F91") + row("0100007F:1F92", state="01")
    seen = listener_guard.listening(table, uid=1000)
    assert {(host, port) for host, port, _ in seen} == {("0.0.0.0", 8080), ("127.0.0.1", 8081)}
    assert listener_guard.listening(table, uid=1001) == set()
    beyond = [host for host, _, _ in seen if not listener_guard.is_loopback(host)]
    assert beyond == ["0.0.0.0"]


def test_a_live_loopback_socket_shows_up_in_the_kernels_table(listener_guard):
    local = socket.socket()
    try:
        local.bind(("127.0.0.1", 0))
        local.listen()
        seen = {(host, port) for host, port, _ in listener_guard.listeners(os.getuid())}
        assert ("127.0.0.1", local.getsockname()[1]) in seen
    finally:
        local.close()


def test_loopback_is_told_apart_from_every_other_address(listener_guard):
    is_loopback, address = listener_guard.is_loopback, listener_guard.address
    assert not is_loopback("0.0.0.0") and is_loopback("127.0.0.1")
    assert is_loopback(address("00000000000000000000000001000000:1F90")[0])      # ::1
    assert is_loopback(address("0000000000000000FFFF00000100007F:1F90")[0])      # ::ffff:127.0.0.1
    assert not is_loopback(address("00000000000000000000000000000000:1F90")[0])  # ::
    assert address("0100007F:1F90") == ("127.0.0.1", 8080)
