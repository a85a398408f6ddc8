"""Node ids for AWS things, shared by every part of the AWS analysis.

Real AWS things use their ARN. Things AWS has no ARN for get a synthetic id
with an `aws:` prefix, so ids never collide across clouds.
"""

from __future__ import annotations


def account_id_node(account_id: str) -> str:
    return f"aws:account:{account_id}"


def organization_unit_node(ou_or_root_id: str) -> str:
    return f"aws:org:{ou_or_root_id}"


def account_admin_node(account_id: str) -> str:
    """Return the id of the pseudo-identity that is full control of one account."""
    return f"aws:account_admin:{account_id}"


ANONYMOUS_NODE = "aws:anonymous"
# Any principal of any AWS account: what a trust policy or resource policy with
# `"Principal": {"AWS": "*"}` admits. An attacker only needs their own account.
ANY_AWS_PRINCIPAL_NODE = "aws:any_principal"


def service_principal_node(service: str) -> str:
    """Return the id of a service principal such as lambda.amazonaws.com."""
    return f"aws:service:{service}"


def external_account_node(account_id: str) -> str:
    """Return the id of the root of an account outside the scanned estate."""
    return f"arn:aws:iam::{account_id}:root"


def federated_provider_node(provider: str) -> str:
    """Return the id of a SAML or OIDC provider (its ARN) or a web identity host."""
    if provider.startswith("arn:"):
        return provider
    return f"aws:federated:{provider}"


def inline_policy_node(principal_arn: str, policy_name: str) -> str:
    return f"{principal_arn}#inline:{policy_name}"


def trust_policy_node(role_arn: str) -> str:
    return f"{role_arn}#trust"


def resource_policy_node(resource_arn: str) -> str:
    return f"{resource_arn}#resource-policy"


def scp_node(policy_id: str) -> str:
    return f"aws:scp:{policy_id}"


def instance_node(region: str, account_id: str, instance_id: str) -> str:
    return f"arn:aws:ec2:{region}:{account_id}:instance/{instance_id}"


def security_group_node(region: str, account_id: str, group_id: str) -> str:
    return f"arn:aws:ec2:{region}:{account_id}:security-group/{group_id}"


def subnet_node(region: str, account_id: str, subnet_id: str) -> str:
    return f"arn:aws:ec2:{region}:{account_id}:subnet/{subnet_id}"


def vpc_node(region: str, account_id: str, vpc_id: str) -> str:
    return f"arn:aws:ec2:{region}:{account_id}:vpc/{vpc_id}"


def classic_load_balancer_arn(region: str, account_id: str, name: str) -> str:
    return f"arn:aws:elasticloadbalancing:{region}:{account_id}:loadbalancer/{name}"
