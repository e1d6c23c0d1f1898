"""Deduplication and story clustering: exact/near copies and online story assignment.

Public API: ``Doc``, ``Assignment``, ``Params``, ``Clusterer``, ``fingerprint``, ``content_hash``,
``cluster_jsonl``. Everything else is internal.
"""

from kliping.dedup.clusterer import Assignment, Clusterer, Doc
from kliping.dedup.fingerprint import content_hash, fingerprint
from kliping.dedup.offline import cluster_jsonl
from kliping.dedup.params import Params

__all__ = [
    "Assignment",
    "Clusterer",
    "Doc",
    "Params",
    "cluster_jsonl",
    "content_hash",
    "fingerprint",
]
