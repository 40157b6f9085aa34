"""Giving the C heap's free memory back to the system once a service has loaded its data."""

import contextlib
import ctypes


def release_free_heap() -> None:
    """Returns the C heap's free pages to the system (glibc's malloc_trim).

    What loading data at start frees (decompression buffers, parsed files, import-time
    garbage) stays mapped in the heap, and in the process's RSS, until malloc hands it
    back; glibc does so by itself only from the heap's top. A few MB per agent.
    Elsewhere than glibc this does nothing.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
