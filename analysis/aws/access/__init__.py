"""CAN_ACCESS edges: who can read, write or administer which data resource.

`targets.py` lists the resources and indexes them, `grants.py` derives
edges from identity and resource policies together (grouping targets that
get the same decisions with `analysis/aws/coverage.py`), and `public.py`
adds the anonymous and any-principal edges from resource policies and S3
ACLs.
"""

from toxicpath.analysis.aws.access.grants import derive_access_edges

__all__ = ["derive_access_edges"]
