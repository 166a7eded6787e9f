"""The canonical query's memory: bounded, and letting the least recently used query go one at a time."""

from app.domain.remembering import MAX_KEY_LENGTH
from app.edge.canonical import MAX_REMEMBERED, CanonicalQueries


def test_a_full_memory_lets_the_oldest_query_go_one_at_a_time():
    """Past its bound the memory forgets one query for each new one, never all at once: emptied by a stream of
    never-seen queries, it lost the queries asked again and again with them."""
    canonical = CanonicalQueries()
    queries = [f"b={n}&a={n}".encode() for n in range(MAX_REMEMBERED + 1)]
    for query in queries:
        canonical("/x", query)
    assert canonical("/x", b"b=7&a=7") == b"a=7&b=7"
    remembered = canonical.known.cache_info()
    assert remembered.currsize == MAX_REMEMBERED
    canonical("/x", queries[-1])
    canonical("/x", queries[1])
    assert canonical.known.cache_info().hits == remembered.hits + 2
    canonical("/x", queries[0])
    assert canonical.known.cache_info().misses == remembered.misses + 1


def test_a_long_query_is_worked_out_every_time_and_never_remembered():
    """Remembered, 10,000 queries as long as a request head allows would hold hundreds of megabytes."""
    canonical = CanonicalQueries()
    long_value = "x" * MAX_KEY_LENGTH
    for _ in range(2):
        assert canonical("/x", f"z={long_value}&a=1".encode()) == f"a=1&z={long_value}".encode()
    assert canonical.known.cache_info().currsize == 0
