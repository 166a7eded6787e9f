"""Issue 21: the response cache's memory of keys seen once is fixed, whatever the one-off queries."""

import random
import sys

import pytest

from app.edge.doorkeeper import CAPACITY, Doorkeeper

SMALL = 1_000


def hashes(count: int, seed: int) -> list[int]:
    draw = random.Random(seed)
    return [draw.getrandbits(64) - 2**63 for _ in range(count)]


def held_bytes(doorkeeper: Doorkeeper) -> int:
    return sys.getsizeof(doorkeeper.current) + sys.getsizeof(doorkeeper.previous)


def test_a_key_is_new_on_its_first_sighting_and_seen_on_its_second():
    doorkeeper = Doorkeeper(SMALL)
    keys = hashes(100, seed=1)
    assert [doorkeeper.seen_before(key) for key in keys] == [False] * 100
    assert [doorkeeper.seen_before(key) for key in keys] == [True] * 100


@pytest.mark.parametrize(
    ("keys_between", "remembered"),
    [
        (SMALL // 2 - 1, True),  # still in the current or the previous generation
        (2 * SMALL, False),  # both generations have been replaced since
    ],
)
def test_a_key_is_remembered_for_half_the_capacity_and_forgotten_after_twice_it(
    keys_between: int, remembered: bool
):
    doorkeeper = Doorkeeper(SMALL)
    (key,) = hashes(1, seed=2)
    doorkeeper.seen_before(key)
    for other in hashes(keys_between, seed=3):
        doorkeeper.seen_before(other)
    assert doorkeeper.seen_before(key) is remembered


def test_its_memory_does_not_grow_with_the_keys_it_sees():
    doorkeeper = Doorkeeper(CAPACITY)
    before = held_bytes(doorkeeper)
    for key in hashes(CAPACITY * 3 // 2, seed=4):
        doorkeeper.seen_before(key)
    assert held_bytes(doorkeeper) == before < 600 * 1024


def test_few_new_keys_pass_for_seen_at_full_capacity():
    doorkeeper = Doorkeeper(CAPACITY)
    mistaken = sum(doorkeeper.seen_before(key) for key in hashes(CAPACITY * 3 // 2, seed=5))
    assert mistaken < 0.01 * CAPACITY * 3 // 2
