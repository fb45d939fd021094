"""A local replica of the source site (SOURCE.md §1-2), for the demo, the
tests and the benchmarks. It needs nothing but the standard library."""

from newscrawler.replica.corpus import Corpus, Record
from newscrawler.replica.server import Faults, ReplicaServer

__all__ = ["Corpus", "Faults", "Record", "ReplicaServer"]
