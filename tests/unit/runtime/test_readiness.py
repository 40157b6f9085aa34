"""Readiness follows hard dependencies: two failed probes in a row, then one answer."""

import asyncio

from services.runtime.readiness import Readiness


class Dependency:
    def __init__(self) -> None:
        self.up = True
        self.hung = False

    async def probe(self) -> None:
        if self.hung:
            await asyncio.Event().wait()
        if not self.up:
            raise ConnectionRefusedError("database down")


async def test_two_failed_probes_in_a_row_flip_it_and_one_answer_flips_it_back() -> None:
    store, flips = Dependency(), []

    async def set_serving(serving: bool) -> None:
        flips.append(serving)

    readiness = Readiness({"trip store": store.probe}, set_serving, interval=1.0)
    assert await readiness.check()
    store.up = False
    assert await readiness.check()  # one failure may be a blip
    assert not await readiness.check()
    assert not await readiness.check()
    store.up = True
    assert await readiness.check()
    assert flips == [False, True]  # told once per change


async def test_a_probe_that_hangs_counts_as_failed() -> None:
    store, flips = Dependency(), []

    async def set_serving(serving: bool) -> None:
        flips.append(serving)

    readiness = Readiness({"trip store": store.probe}, set_serving, interval=1.0, timeout=0.01)
    store.hung = True
    await readiness.check()
    assert not await readiness.check()
    assert flips == [False]
