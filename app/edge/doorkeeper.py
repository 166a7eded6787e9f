"""Which cache keys were seen lately, in a fixed 512 KiB (the response cache admits a key on its second one).

Two generations of a Bloom filter (TinyLFU's "doorkeeper"): a key is marked in the current generation; once
that holds ``capacity / 2`` new keys it becomes the previous one and the one before is dropped, so a key is
remembered for between ``capacity / 2`` and ``capacity`` later new keys. A dict of hashes did the same, but
held 27 MB at 200,000 keys (``python -m bench.inprocess --memory 230000``), which a stream of never-seen
``/estimate`` queries fills in seconds. Two differences: a new key passes for seen now and then (at most
about 0.5% of them near full capacity; it is admitted on its first sighting), and a key stays marked when
admitted, so an entry evicted and asked again while still remembered is admitted on that request (the dict
forgot a key when admitting it).
"""

from __future__ import annotations

# The keys remembered at most, and the bits sized for it: 2 Mibit a generation (three 21-bit slices of one
# 64-bit hash index it) hold 100,000 keys with about 0.3% false positives. More keys need more bits.
CAPACITY = 200_000
INDEX_BITS = 21
BITS = 1 << INDEX_BITS
MASK = BITS - 1


class Doorkeeper:
    """Keys seen lately, by their hash: ``seen_before`` answers and marks in one call."""

    __slots__ = ("current", "previous", "added", "generation_size")

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.generation_size = max(capacity // 2, 1)
        self.current = bytearray(BITS >> 3)
        self.previous = bytearray(BITS >> 3)
        self.added = 0

    def seen_before(self, digest: int) -> bool:
        """Whether ``digest`` was marked lately; marks it if not."""
        a, b, c = digest & MASK, (digest >> INDEX_BITS) & MASK, (digest >> 2 * INDEX_BITS) & MASK
        byte_a, bit_a, byte_b, bit_b, byte_c, bit_c = (
            a >> 3,
            1 << (a & 7),
            b >> 3,
            1 << (b & 7),
            c >> 3,
            1 << (c & 7),
        )
        current, previous = self.current, self.previous
        if current[byte_a] & bit_a and current[byte_b] & bit_b and current[byte_c] & bit_c:
            return True
        if previous[byte_a] & bit_a and previous[byte_b] & bit_b and previous[byte_c] & bit_c:
            return True
        current[byte_a] |= bit_a
        current[byte_b] |= bit_b
        current[byte_c] |= bit_c
        self.added += 1
        if self.added >= self.generation_size:
            self.previous, self.current, self.added = current, bytearray(BITS >> 3), 0
        return False
