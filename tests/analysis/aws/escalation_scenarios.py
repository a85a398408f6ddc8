"""One minimal estate per registered escalation technique.

`build_scenario` grants the attacker exactly the technique's required
actions in one inline policy and adds the victim the technique needs, so a
test can check the positive case and then break one thing at a time.
Victims are admins, because edges to identities that lead nowhere are
dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from identity_builders import (
    ACCOUNT,
    ADMIN_DOCUMENT,
    access_key,
    allow,
    arn,
    document,
    estate,
    group,
    managed_policy,
    role,
    trust,
    user,
)

from toxicpath.analysis.aws import ids
from toxicpath.analysis.aws.escalation import existing, passrole
from toxicpath.analysis.aws.escalation.catalog import Technique
from toxicpath.analysis.aws.escalation.context import EstateView
from toxicpath.ingest.aws.estate import (
    AwsEstate,
    Instance,
    InstanceProfile,
    LambdaFunction,
    ManagedPolicy,
    PolicyResource,
    Principal,
)

REGION = "us-east-1"
HARMLESS = document(allow("s3:ListAllMyBuckets"))
ATTACKER_USER = arn("user", "attacker")
ATTACKER_ROLE = arn("role", "attacker")
ADMIN = ids.account_admin_node(ACCOUNT)

_PASSROLE = {spec.id: spec for spec in passrole.SPECS}
_EXISTING = {spec.id: spec for spec in existing.SPECS}
_SELF_ROLE = {"aws-iam-attach-role-policy", "aws-iam-put-role-policy"}
_SELF_GROUP = {"aws-iam-attach-group-policy", "aws-iam-put-group-policy"}
_ATTACHED_POLICY = {
    "aws-iam-create-policy-version",
    "aws-iam-set-default-policy-version",
}
_ROLE_COMBOS = {
    "aws-iam-attach-role-policy-assume",
    "aws-iam-put-role-policy-assume",
    "aws-iam-create-policy-version-assume",
    "aws-iam-attach-role-policy-update-trust",
    "aws-iam-put-role-policy-update-trust",
    "aws-iam-create-policy-version-update-trust",
}
_EXISTING_KINDS = {
    "glue_dev_endpoint",
    "ecs_task",
    "codebuild_project",
    "cloudformation_stack",
    "sagemaker_notebook",
    "launch_template",
    "apprunner_service",
    "bedrock_code_interpreter",
}


@dataclass
class Scenario:
    estate: AwsEstate
    attacker: Principal
    target: str
    victim: str


def attacker_statements(technique: Technique, **kwargs: Any) -> list[dict[str, Any]]:
    """One Allow statement for all of the technique's required actions."""
    return [allow(list(technique.required_actions), **kwargs)]


def build_scenario(
    technique: Technique,
    statements: list[dict[str, Any]],
    *,
    extra_managed: list[ManagedPolicy] | None = None,
    boundary: ManagedPolicy | None = None,
) -> Scenario:
    """Build the technique's minimal estate with `statements` as the attacker's
    inline policy, plus optional extra attached policies and a boundary."""
    policies: list[ManagedPolicy] = list(extra_managed or [])
    managed = [p.arn for p in extra_managed or []]
    extra: list[Principal] = []
    kind = "role" if technique.id in _SELF_ROLE else "user"
    groups: list[str] = []
    if technique.id in _SELF_GROUP:
        groups = ["devs"]
        extra.append(group("devs"))
    if technique.id in _ATTACHED_POLICY:
        versions = {"v1": HARMLESS}
        if technique.id == "aws-iam-set-default-policy-version":
            versions["v2"] = ADMIN_DOCUMENT
        app = managed_policy("app", versions)
        policies.append(app)
        managed.append(app.arn)
    if boundary is not None:
        policies.append(boundary)
    attacker_fields: dict[str, Any] = {
        "inline": document(*statements),
        "managed": managed,
        "boundary": boundary.arn if boundary is not None else None,
    }
    if kind == "user":
        attacker = user("attacker", groups=groups, **attacker_fields)
    else:
        attacker = role(
            "attacker", trust({"Service": "ec2.amazonaws.com"}), **attacker_fields
        )
    target, victim, more, more_policies = _victim(technique, attacker)
    extra.extend(more)
    policies.extend(more_policies)
    built = estate(attacker, *extra, policies=policies)
    _add_resources(technique, built)
    if technique.id in _ATTACHED_POLICY:
        victim = f"arn:aws:iam::{ACCOUNT}:policy/app"
    if technique.id in _EXISTING:
        victims = _EXISTING[technique.id].victims(EstateView.build(built), ACCOUNT)
        assert len(victims) == 1, f"{technique.id}: expected one victim, got {victims}"
        victim = victims[0].arn
    return Scenario(built, attacker, target, victim)


def _victim(
    technique: Technique, attacker: Principal
) -> tuple[str, str, list[Principal], list[ManagedPolicy]]:
    """Return (expected target, victim, extra principals, extra policies)."""
    tid = technique.id
    if tid in _SELF_GROUP:
        return ADMIN, arn("group", "devs"), [], []
    on_self = tid in _SELF_ROLE or tid.startswith(
        ("aws-iam-attach-user", "aws-iam-put-user")
    )
    if on_self and not tid.endswith("create-access-key"):
        return ADMIN, attacker.arn, [], []
    if tid in _ATTACHED_POLICY:
        return ADMIN, "", [], []
    if tid in _ROLE_COMBOS:
        app = managed_policy("target-app", {"v1": HARMLESS})
        trusted = (
            trust({"AWS": attacker.arn})
            if tid.endswith("assume")
            else trust({"Service": "nobody.example.com"})
        )
        target_role = role("target", trusted, managed=[app.arn])
        return ADMIN, target_role.arn, [target_role], [app]
    if tid.endswith("create-access-key") and tid != "aws-iam-create-access-key":
        return ADMIN, arn("user", "victim"), [user("victim")], []
    if tid == "aws-iam-create-access-key":
        victim = user("victim", inline=ADMIN_DOCUMENT)
        return victim.arn, victim.arn, [victim], []
    if tid == "aws-iam-rotate-access-key":
        victim = user(
            "victim", inline=ADMIN_DOCUMENT, access_keys=[access_key(), access_key()]
        )
        return victim.arn, victim.arn, [victim], []
    if tid == "aws-iam-create-login-profile":
        victim = user("victim", inline=ADMIN_DOCUMENT, console_access=False)
        return victim.arn, victim.arn, [victim], []
    if tid == "aws-iam-update-login-profile":
        victim = user("victim", inline=ADMIN_DOCUMENT, console_access=True)
        return victim.arn, victim.arn, [victim], []
    if tid == "aws-iam-update-assume-role-policy":
        target_role = role("target", inline=ADMIN_DOCUMENT)
        return target_role.arn, target_role.arn, [target_role], []
    if tid == "aws-iam-add-user-to-group":
        admins = group("admins", inline=ADMIN_DOCUMENT)
        return admins.arn, admins.arn, [admins], []
    if tid in _PASSROLE:
        spec = _PASSROLE[tid]
        passed = role(
            "passed",
            trust({"Service": spec.service}),
            inline=ADMIN_DOCUMENT,
            instance_profile_arns=[f"arn:aws:iam::{ACCOUNT}:instance-profile/passed"],
        )
        return passed.arn, passed.arn, [passed], []
    if tid in _EXISTING:
        runner = role(
            "runner", trust({"Service": "ec2.amazonaws.com"}), inline=ADMIN_DOCUMENT
        )
        return runner.arn, "", [runner], []
    raise AssertionError(f"no scenario for technique {tid}")


def _add_resources(technique: Technique, built: AwsEstate) -> None:
    """Add the existing resources a technique runs against."""
    runner = arn("role", "runner")
    profile = f"arn:aws:iam::{ACCOUNT}:instance-profile/runner"
    built.instance_profiles[profile] = InstanceProfile(profile, "runner", [runner])
    function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:worker"
    if technique.id in _EXISTING:
        built.functions[function_arn] = LambdaFunction(
            arn=function_arn,
            name="worker",
            account_id=ACCOUNT,
            region=REGION,
            role_arn=runner,
        )
        instance_arn = ids.instance_node(REGION, ACCOUNT, "i-0123")
        built.instances["i-0123"] = Instance(
            id="i-0123",
            arn=instance_arn,
            account_id=ACCOUNT,
            region=REGION,
            state="running",
            instance_profile_arn=profile,
        )
        for kind in _EXISTING_KINDS:
            resource_arn = f"arn:aws:example:{REGION}:{ACCOUNT}:{kind}/victim"
            built.resources[resource_arn] = PolicyResource(
                arn=resource_arn,
                name=f"{kind}-victim",
                kind=kind,
                account_id=ACCOUNT,
                region=REGION,
                role_arn=runner,
            )
    for kind, name, attributes in (
        ("glue_job", "etl", {}),
        ("stack_set", "baseline", {}),
        ("ecs_cluster", "apps", {}),
        ("table", "events", {"stream_arn": "arn:aws:dynamodb:stream"}),
    ):
        resource_arn = f"arn:aws:example:{REGION}:{ACCOUNT}:{kind}/{name}"
        built.resources[resource_arn] = PolicyResource(
            arn=resource_arn,
            name=name,
            kind=kind,
            account_id=ACCOUNT,
            region=REGION,
            attributes=attributes,
        )
