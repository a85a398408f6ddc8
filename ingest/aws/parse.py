"""Build an AwsEstate from the AWS responses of a snapshot.

One pass per call type over a (service, operation) index, and dict lookups
to join calls, so the cost grows linearly with the number of responses.
The modules under `parsers/` each read one area; this module only orders
them: IAM first, because later steps look up principals and accounts.

Not read: calls outside the areas below (for example CloudTrail, GuardDuty,
VPC endpoints and Kafka are imported and reported as collected, but no
parser reads them).
"""

from __future__ import annotations

import logging

from toxicpath.ingest.aws.estate import AwsEstate
from toxicpath.ingest.aws.parsers.common import (
    ResponseIndex,
    clear_field_paths,
    ensure_accounts,
)
from toxicpath.ingest.aws.parsers.databases import parse_databases
from toxicpath.ingest.aws.parsers.iam import parse_iam
from toxicpath.ingest.aws.parsers.network import parse_network
from toxicpath.ingest.aws.parsers.organizations import parse_organizations
from toxicpath.ingest.aws.parsers.services import parse_services
from toxicpath.ingest.aws.parsers.snapshots import parse_snapshots
from toxicpath.ingest.aws.parsers.storage import parse_storage
from toxicpath.ingest.snapshot import Snapshot

logger = logging.getLogger(__name__)


def parse_estate(snapshot: Snapshot) -> AwsEstate:
    """Parse every AWS response of `snapshot`; raise InputError on a bad field."""
    index = ResponseIndex(snapshot)
    estate = AwsEstate()
    try:
        ensure_accounts(index, estate)
        parse_iam(index, estate)
        parse_network(index, estate)
        parse_storage(index, estate)
        parse_databases(index, estate)
        parse_services(index, estate)
        parse_snapshots(index, estate)
        parse_organizations(index, estate)
    finally:
        clear_field_paths()
    logger.info(
        "parsed %s accounts: %s principals, %s policies, %s instances,"
        " %s buckets, %s functions, %s databases, %s other resources",
        len(estate.accounts),
        len(estate.principals),
        len(estate.policies),
        len(estate.instances),
        len(estate.buckets),
        len(estate.functions),
        len(estate.databases),
        len(estate.resources),
    )
    return estate
