"""Settling a service's memory once it has started and loaded its data."""

import contextlib
import ctypes
import gc


def settle_after_start() -> None:
    """Collects what starting left as garbage, moves what survives (modules, classes, loaded
    tables) out of the collector's way, and gives the C heap's free pages back to the system.

    gc.freeze: the objects of the start live as long as the process, and a full collection
    would otherwise walk every one of them again (tens of milliseconds each time).
    malloc_trim: what loading data frees (decompression buffers, parsed files) stays mapped
    in the heap, and in the process's RSS, until malloc hands it back; glibc does so by
    itself only from the heap's top (a few MB per agent). Elsewhere than glibc, no trim.
    """
    gc.collect()
    gc.freeze()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
