"""Per-service collection functions and the registry the runner reads.

Each function reads one AWS service for one account (global services) or one
account and region (regional services) through a ServiceRecorder.
"""

from __future__ import annotations

from collections.abc import Callable

from toxicpath.ingest.aws.collect.options import AwsCollectOptions
from toxicpath.ingest.aws.collect.recorder import ServiceRecorder
from toxicpath.ingest.aws.collect.services.analytics import (
    collect_opensearch,
    collect_redshift,
)
from toxicpath.ingest.aws.collect.services.containers import (
    collect_ecr,
    collect_ecs,
    collect_eks,
)
from toxicpath.ingest.aws.collect.services.ec2 import collect_ec2
from toxicpath.ingest.aws.collect.services.elb import collect_elb, collect_elbv2
from toxicpath.ingest.aws.collect.services.iam import collect_iam
from toxicpath.ingest.aws.collect.services.kms import collect_kms
from toxicpath.ingest.aws.collect.services.lambda_ import collect_lambda
from toxicpath.ingest.aws.collect.services.messaging import (
    collect_dynamodb,
    collect_sns,
    collect_sqs,
)
from toxicpath.ingest.aws.collect.services.organizations import (
    collect_organizations,
)
from toxicpath.ingest.aws.collect.services.rds import collect_rds
from toxicpath.ingest.aws.collect.services.s3 import collect_s3, collect_s3control
from toxicpath.ingest.aws.collect.services.secretsmanager import (
    collect_secretsmanager,
)
from toxicpath.ingest.aws.collect.services.ssm import collect_ssm
from toxicpath.ingest.aws.collect.services.sts import collect_sts

ServiceCollector = Callable[[ServiceRecorder, AwsCollectOptions], None]

# Account-wide services, read once per account through the home region.
GLOBAL_COLLECTORS: dict[str, ServiceCollector] = {
    "sts": collect_sts,
    "iam": collect_iam,
    "organizations": collect_organizations,
    "s3": collect_s3,
    "s3control": collect_s3control,
}

# Regional services, read once per account and enabled region.
REGIONAL_COLLECTORS: dict[str, ServiceCollector] = {
    "ec2": collect_ec2,
    "elb": collect_elb,
    "elbv2": collect_elbv2,
    "lambda": collect_lambda,
    "rds": collect_rds,
    "redshift": collect_redshift,
    "opensearch": collect_opensearch,
    "kms": collect_kms,
    "secretsmanager": collect_secretsmanager,
    "ssm": collect_ssm,
    "ecs": collect_ecs,
    "eks": collect_eks,
    "ecr": collect_ecr,
    "dynamodb": collect_dynamodb,
    "sqs": collect_sqs,
    "sns": collect_sns,
}

SERVICE_NAMES = (*GLOBAL_COLLECTORS, *REGIONAL_COLLECTORS)
