"""A small seccomp-BPF filter, written by hand (ctypes + prctl; no libseccomp needed).

Installed in the run's child after it has loaded everything it needs, it refuses — with EPERM,
so Python raises a normal OSError — every system call a program escaping the language could use
to reach the world: network sockets, starting processes or threads, signalling other processes,
changing the file system, and opening a file for writing. Reading files stays allowed (the VM
may import one of its own modules lazily); RLIMIT_FSIZE=0, the empty working folder and the
empty environment cover the rest.

Only x86-64 and AArch64 are known; elsewhere `install()` returns False and the other limits
still apply.
"""

from __future__ import annotations

import ctypes
import errno
import os
import struct
import sys

# <linux/filter.h>, <linux/seccomp.h>, <linux/audit.h>
BPF_LD_W_ABS = 0x20
BPF_JEQ_K = 0x15
BPF_JGE_K = 0x35
BPF_JSET_K = 0x45
BPF_RET_K = 0x06
SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_ALLOW = 0x7FFF0000
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

# seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]
OFFSET_NR = 0
OFFSET_ARCH = 4


def _arg_low(index: int) -> int:
    return 16 + 8 * index  # little-endian: the low 32 bits come first


# open(2) flags that write or create (same values on x86-64 and AArch64).
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND | 0o20000000  # __O_TMPFILE

# Denied outright. Names that an architecture lacks are skipped.
DENIED = [
    # network
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4", "sendto", "sendmsg",
    "sendmmsg", "recvfrom", "recvmsg", "recvmmsg", "getsockopt", "setsockopt", "shutdown",
    # processes and threads
    "execve", "execveat", "fork", "vfork", "clone", "ptrace", "kill", "tkill", "setsid", "setpgid",
    "process_vm_readv", "process_vm_writev", "pidfd_open", "pidfd_send_signal", "pidfd_getfd",
    "unshare", "setns", "seccomp", "prctl", "personality",
    # the file system
    "creat", "unlink", "unlinkat", "rename", "renameat", "renameat2", "mkdir", "mkdirat", "rmdir",
    "link", "linkat", "symlink", "symlinkat", "chmod", "fchmod", "fchmodat", "chown", "fchown",
    "lchown", "fchownat", "truncate", "ftruncate", "mknod", "mknodat", "setxattr", "lsetxattr",
    "fsetxattr", "removexattr", "lremovexattr", "fremovexattr", "utime", "utimes", "utimensat",
    "futimesat", "mount", "umount2", "chroot", "pivot_root", "name_to_handle_at", "open_by_handle_at",
    # ways around a filter
    "io_uring_setup", "io_uring_enter", "io_uring_register", "bpf", "perf_event_open", "userfaultfd",
    "memfd_create", "fanotify_init", "inotify_init", "inotify_init1", "keyctl", "add_key", "request_key",
]
# Answered ENOSYS so that the C library falls back to an older call the filter can inspect.
NOT_IMPLEMENTED = ["clone3", "openat2"]

ARCHES = {
    "x86_64": {
        "audit": 0xC000003E,
        "x32_bit": 0x40000000,  # x32 ABI numbers: refused wholesale
        "open": (2, 1), "openat": (257, 2),
        "numbers": {
            "socket": 41, "connect": 42, "accept": 43, "sendto": 44, "recvfrom": 45, "sendmsg": 46,
            "recvmsg": 47, "shutdown": 48, "bind": 49, "listen": 50, "socketpair": 53,
            "setsockopt": 54, "getsockopt": 55, "clone": 56, "fork": 57, "vfork": 58, "execve": 59,
            "kill": 62, "truncate": 76, "ftruncate": 77, "rename": 82, "mkdir": 83, "rmdir": 84,
            "creat": 85, "link": 86, "unlink": 87, "symlink": 88, "chmod": 90, "fchmod": 91,
            "chown": 92, "fchown": 93, "lchown": 94, "ptrace": 101, "setpgid": 109, "setsid": 112,
            "utime": 132, "mknod": 133, "personality": 135, "prctl": 157, "chroot": 161,
            "mount": 165, "umount2": 166, "pivot_root": 155, "setxattr": 188, "lsetxattr": 189,
            "fsetxattr": 190, "removexattr": 197, "lremovexattr": 198, "fremovexattr": 199,
            "tkill": 200, "utimes": 235, "inotify_init": 253, "mkdirat": 258, "mknodat": 259,
            "fchownat": 260, "futimesat": 261, "unlinkat": 263, "renameat": 264, "linkat": 265,
            "symlinkat": 266, "fchmodat": 268, "unshare": 272, "utimensat": 280, "accept4": 288,
            "inotify_init1": 294, "perf_event_open": 298, "recvmmsg": 299, "fanotify_init": 300,
            "name_to_handle_at": 303, "open_by_handle_at": 304, "sendmmsg": 307, "setns": 308,
            "process_vm_readv": 310, "process_vm_writev": 311, "renameat2": 316, "seccomp": 317,
            "memfd_create": 319, "bpf": 321, "execveat": 322, "userfaultfd": 323, "add_key": 248,
            "request_key": 249, "keyctl": 250, "pidfd_send_signal": 424, "io_uring_setup": 425,
            "io_uring_enter": 426, "io_uring_register": 427, "pidfd_open": 434, "clone3": 435,
            "openat2": 437, "pidfd_getfd": 438,
        },
    },
    "aarch64": {
        "audit": 0xC00000B7,
        "x32_bit": None,
        "open": None, "openat": (56, 2),
        "numbers": {
            "setxattr": 5, "lsetxattr": 6, "fsetxattr": 7, "removexattr": 14, "lremovexattr": 15,
            "fremovexattr": 16, "inotify_init1": 26, "mknodat": 33, "mkdirat": 34, "unlinkat": 35,
            "symlinkat": 36, "linkat": 37, "renameat": 38, "umount2": 39, "mount": 40,
            "pivot_root": 41, "truncate": 45, "ftruncate": 46, "chroot": 51, "fchmod": 52,
            "fchmodat": 53, "fchownat": 54, "fchown": 55, "utimensat": 88, "personality": 92,
            "unshare": 97, "ptrace": 117, "kill": 129, "tkill": 130, "setpgid": 154, "setsid": 157,
            "prctl": 167, "socket": 198, "socketpair": 199, "bind": 200, "listen": 201,
            "accept": 202, "connect": 203, "sendto": 206, "recvfrom": 207, "setsockopt": 208,
            "getsockopt": 209, "shutdown": 210, "sendmsg": 211, "recvmsg": 212, "add_key": 217,
            "request_key": 218, "keyctl": 219, "clone": 220, "execve": 221, "perf_event_open": 241,
            "accept4": 242, "recvmmsg": 243, "fanotify_init": 262, "name_to_handle_at": 264,
            "open_by_handle_at": 265, "setns": 268, "sendmmsg": 269, "process_vm_readv": 270,
            "process_vm_writev": 271, "renameat2": 276, "seccomp": 277, "memfd_create": 279,
            "bpf": 280, "execveat": 281, "userfaultfd": 282, "pidfd_send_signal": 424,
            "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
            "pidfd_open": 434, "clone3": 435, "openat2": 437, "pidfd_getfd": 438,
        },
    },
}


def supported() -> bool:
    return sys.platform.startswith("linux") and os.uname().machine in ARCHES


def build_filter(machine: str | None = None) -> list[tuple[int, int, int, int]]:
    """The BPF program as (code, jt, jf, k) tuples. Jumps are resolved from labels at the end."""
    arch = ARCHES[machine or os.uname().machine]
    numbers = arch["numbers"]
    program: list = []  # items: (code, jt, jf, k) where jt/jf may be a label string

    def emit(code, k=0, jt=0, jf=0):
        program.append([code, jt, jf, k])

    emit(BPF_LD_W_ABS, OFFSET_ARCH)
    emit(BPF_JEQ_K, arch["audit"], jt=1, jf=0)
    emit(BPF_RET_K, SECCOMP_RET_KILL_PROCESS)   # a foreign ABI: no legitimate use here
    emit(BPF_LD_W_ABS, OFFSET_NR)
    if arch["x32_bit"]:
        emit(BPF_JGE_K, arch["x32_bit"], jt="deny", jf=0)
    for name in DENIED:
        if name in numbers:
            emit(BPF_JEQ_K, numbers[name], jt="deny", jf=0)
    for name in NOT_IMPLEMENTED:
        emit(BPF_JEQ_K, numbers[name], jt="enosys", jf=0)
    for name in ("open", "openat"):
        if arch[name]:
            emit(BPF_JEQ_K, arch[name][0], jt=f"check_{name}", jf=0)
    labels = {}
    emit(BPF_RET_K, SECCOMP_RET_ALLOW)
    for name in ("open", "openat"):
        if arch[name]:
            labels[f"check_{name}"] = len(program)
            emit(BPF_LD_W_ABS, _arg_low(arch[name][1]))
            emit(BPF_JSET_K, WRITE_FLAGS, jt="deny", jf=0)
            emit(BPF_RET_K, SECCOMP_RET_ALLOW)
    labels["deny"] = len(program)
    emit(BPF_RET_K, SECCOMP_RET_ERRNO | errno.EPERM)
    labels["enosys"] = len(program)
    emit(BPF_RET_K, SECCOMP_RET_ERRNO | errno.ENOSYS)
    resolved = []
    for index, (code, jt, jf, k) in enumerate(program):
        jt = labels[jt] - index - 1 if isinstance(jt, str) else jt
        jf = labels[jf] - index - 1 if isinstance(jf, str) else jf
        if not (0 <= jt <= 255 and 0 <= jf <= 255):
            raise ValueError("seccomp filter jump out of range")
        resolved.append((code, jt, jf, k))
    return resolved


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _load_prctl():
    """libc's prctl, looked up once per process (before a fork, so children pay nothing)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    return function


prctl = _load_prctl()


_COMPILED: tuple[int, bytes] | None = None


def compiled() -> tuple[int, bytes]:
    """(instruction count, packed filter), built once per process (the fork server builds it
    before forking, so a run pays nothing for it)."""
    global _COMPILED
    if _COMPILED is None:
        instructions = build_filter()
        _COMPILED = len(instructions), b"".join(struct.pack("=HBBI", *i) for i in instructions)
    return _COMPILED


def install() -> bool:
    """Install the filter on the calling process (irreversible). False if this platform can't."""
    if not supported():
        return False
    if prctl is None:
        return False
    count, raw = compiled()
    buffer = ctypes.create_string_buffer(raw, len(raw))
    fprog = _SockFprog(count, ctypes.cast(buffer, ctypes.c_void_p))
    if prctl(PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0:
        return False
    if prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) != 0:
        return False
    return True
