"""Deduplication and story clustering: exact/near copies and online story assignment.

Public API: ``Doc``, ``Assignment``, ``Params``, ``Clusterer``, ``fingerprint``, ``content_hash``,
``cluster_jsonl``. Everything else is internal.
"""

from kliping.dedup.clusterer import Assignment, Clusterer
from kliping.dedup.fingerprint import content_hash, fingerprint
from kliping.dedup.offline import cluster_jsonl
from kliping.dedup.params import Params
from kliping.dedup.prepare import Doc, Prepared, prepare

__all__ = [
    "Assignment",
    "Clusterer",
    "Doc",
    "Params",
    "Prepared",
    "cluster_jsonl",
    "content_hash",
    "fingerprint",
    "prepare",
]
