"""Who holds a lease on a row (an outbox message in flight, a timer being done), and whether that
process is gone, so a process starting takes back at once what a killed one held instead of
waiting for its leases to run out.

A process names itself `<pid>.<start>@<host><boot>`: its pid and when it started (a pid used
again by a later process, as a container's pid 1 is, names another process), a hash of the host's
name and the start of the machine's boot. A lease held by a process of this same machine and
boot is taken back when that process no longer runs (or it had this process's pid before it);
one held on another machine runs out on its own, and one held before this machine rebooted is
taken back too (nothing of it still runs). A machine is its host name with its boot: containers
sharing a kernel must not share a host name (each container has its own by default), or a
process of one would take another's pid for gone.
"""

import hashlib
import os
import socket
import time
from functools import cache

_STARTED = int(time.time())


@cache
def _machine() -> tuple[str, str]:
    host = hashlib.sha1(socket.gethostname().encode(), usedforsecurity=False).hexdigest()[:8]
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as f:
            boot = f.read().strip().replace("-", "")[:8]
    except OSError:
        boot = "0" * 8
    return host, boot


def this_process() -> str:
    """This process's name on the leases it holds (at most 36 characters)."""
    host, boot = _machine()
    return f"{os.getpid()}.{_STARTED}@{host}{boot}"


def holder_process(holder: str | None) -> str:
    """The process part of a lease's holder (a worker may add `:<its own name>`)."""
    return (holder or "").split(":", 1)[0]


def is_gone(holder: str | None) -> bool:
    """Whether the process that holds this lease surely no longer runs (see the module doc)."""
    name = holder_process(holder)
    try:
        pid_start, machine = name.split("@", 1)
        pid_text, start = pid_start.split(".", 1)
        pid = int(pid_text)
    except ValueError:
        return False  # not a name of ours (an older version's lease): let it run out
    host, boot = _machine()
    if machine[:8] != host:
        return False  # another machine: nothing to tell
    if machine[8:] != boot:
        return True  # this machine rebooted since
    if pid == os.getpid():
        return start != str(_STARTED)  # this pid, a former process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # runs, as another user
    return False
