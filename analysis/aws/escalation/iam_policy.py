"""Escalation by rewriting permissions: policy versions, attaching and
embedding policies, on the principal itself or on a role or user it controls.
"""

from __future__ import annotations

from collections.abc import Iterator

from toxicpath.analysis.aws.admin import ADMIN_PROBE_ACTIONS
from toxicpath.analysis.aws.escalation.catalog import (
    ACCOUNT_ADMIN,
    IAM_VULNERABLE,
    RHINO,
    Checker,
    Escalation,
    Technique,
    pathfinding,
    register,
)
from toxicpath.analysis.aws.escalation.checks import (
    Requirement,
    admin_of,
    assume,
    describe,
    finding,
    on,
    others,
    satisfied,
    satisfied_per_member,
)
from toxicpath.analysis.aws.escalation.context import EstateView, PrincipalView
from toxicpath.analysis.aws.policy import PrincipalPolicySet, allowed_actions
from toxicpath.ingest.aws.estate import ManagedPolicy, Principal

ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess"


def _customer_policies(view: EstateView, owner: Principal) -> list[ManagedPolicy]:
    """Customer managed policies attached to `owner` (AWS managed ones cannot
    be changed by a customer)."""
    found = []
    for arn in owner.managed_policy_arns:
        policy = view.estate.policies.get(arn)
        if policy is not None and not policy.is_aws_managed:
            found.append(policy)
    return found


def _own_policy_holders(principal: PrincipalView) -> list[Principal]:
    """The principal and the groups whose policies apply to it."""
    return [principal.principal, *principal.groups]


# --- CreatePolicyVersion ----------------------------------------------------


def _create_policy_version(
    view: EstateView, principal: PrincipalView
) -> Iterator[Escalation]:
    for holder in _own_policy_holders(principal):
        for policy in _customer_policies(view, holder):
            met = satisfied(
                view, principal, [on("iam:CreatePolicyVersion", policy.arn)]
            )
            if met is None:
                continue
            steps, conditional = met
            yield finding(
                target=admin_of(principal),
                steps=steps,
                conditional=conditional,
                victim=policy.arn,
                reason=(
                    f"can publish an admin version of "
                    f"policy {policy.name}, which is attached to {describe(holder)}, "
                    "and make it the default."
                ),
            )


register(
    Technique(
        id="aws-iam-create-policy-version",
        title="Create a new default version of an attached managed policy",
        required_actions=("iam:CreatePolicyVersion",),
        target_kind=ACCOUNT_ADMIN,
        needs_victim=True,
        references=(pathfinding("iam-001"), RHINO, IAM_VULNERABLE),
        checker=_create_policy_version,
        aliases=("iam-001", "rhino-1", "CreateNewPolicyVersion"),
    )
)


# --- SetDefaultPolicyVersion -------------------------------------------------


def _is_admin_with(
    view: EstateView, principal: PrincipalView, policy: ManagedPolicy, version: str
) -> bool:
    """Whether the principal would be admin if `version` were `policy`'s default."""
    replacement = view.compile(
        f"{policy.arn}?version={version}", policy.versions[version]
    )
    if replacement is None:
        return False
    identity = [
        replacement if compiled.policy_id == policy.arn else compiled
        for compiled in principal.policies.identity_policies
    ]
    policy_set = PrincipalPolicySet(
        identity_policies=identity,
        boundary=principal.policies.boundary,
        scp_levels=principal.policies.scp_levels,
    )
    results = allowed_actions(
        policy_set,
        resource="*",
        candidate_actions=ADMIN_PROBE_ACTIONS,
        context=view.request_for(principal.principal),
    )
    return all(result.allowed for result in results.values())


def _set_default_policy_version(
    view: EstateView, principal: PrincipalView
) -> Iterator[Escalation]:
    for holder in _own_policy_holders(principal):
        for policy in _customer_policies(view, holder):
            alternatives = [
                version
                for version in sorted(policy.versions)
                if version != policy.default_version_id
            ]
            if not alternatives:
                continue
            met = satisfied(
                view, principal, [on("iam:SetDefaultPolicyVersion", policy.arn)]
            )
            if met is None:
                continue
            admin_versions = [
                v for v in alternatives if _is_admin_with(view, principal, policy, v)
            ]
            if not admin_versions:
                continue
            steps, conditional = met
            yield finding(
                target=admin_of(principal),
                steps=steps,
                conditional=conditional,
                victim=policy.arn,
                notes=[f"admin versions: {', '.join(admin_versions)}"],
                reason=(
                    f"can make version "
                    f"{admin_versions[0]} of policy {policy.name} the default, and "
                    "that version grants full control."
                ),
            )


register(
    Technique(
        id="aws-iam-set-default-policy-version",
        title="Roll an attached managed policy back to an admin version",
        required_actions=("iam:SetDefaultPolicyVersion",),
        target_kind=ACCOUNT_ADMIN,
        needs_victim=True,
        references=(RHINO, IAM_VULNERABLE),
        checker=_set_default_policy_version,
        aliases=("rhino-2", "SetExistingDefaultPolicyVersion"),
    )
)


# --- attach or embed a policy on the principal itself --------------------------


def _self_policy_checker(action: str, holder_kind: str, verb: str) -> Checker:
    """Build the checker for one Attach*/Put* action on the principal or its groups."""
    extra = {"iam:PolicyARN": ADMINISTRATOR_ACCESS} if "Attach" in action else {}

    def check(view: EstateView, principal: PrincipalView) -> Iterator[Escalation]:
        if holder_kind == "group":
            holders = list(principal.groups)
            if principal.principal.kind == "group":
                holders = [principal.principal]
        elif principal.principal.kind == holder_kind:
            holders = [principal.principal]
        else:
            holders = []
        for holder in holders:
            met = satisfied(view, principal, [on(action, holder.arn, **extra)])
            if met is None:
                continue
            steps, conditional = met
            yield finding(
                target=admin_of(principal),
                steps=steps,
                conditional=conditional,
                victim=holder.arn,
                reason=(
                    f"can {verb} an admin policy "
                    f"on {describe(holder)}"
                    + (
                        ", whose rights it has."
                        if holder is not principal.principal
                        else "."
                    )
                ),
            )

    return check


for _id, _action, _kind, _verb, _aliases in (
    (
        "aws-iam-attach-user-policy",
        "iam:AttachUserPolicy",
        "user",
        "attach",
        ("iam-008", "rhino-7"),
    ),
    (
        "aws-iam-attach-group-policy",
        "iam:AttachGroupPolicy",
        "group",
        "attach",
        ("iam-010", "rhino-8"),
    ),
    (
        "aws-iam-attach-role-policy",
        "iam:AttachRolePolicy",
        "role",
        "attach",
        ("iam-009", "rhino-9"),
    ),
    (
        "aws-iam-put-user-policy",
        "iam:PutUserPolicy",
        "user",
        "embed",
        ("iam-007", "rhino-10"),
    ),
    (
        "aws-iam-put-group-policy",
        "iam:PutGroupPolicy",
        "group",
        "embed",
        ("iam-011", "rhino-11"),
    ),
    (
        "aws-iam-put-role-policy",
        "iam:PutRolePolicy",
        "role",
        "embed",
        ("iam-005", "rhino-12"),
    ),
):
    register(
        Technique(
            id=_id,
            title=f"{_action.split(':')[1]} on the principal itself"
            + (" or a group it is in" if _kind == "group" else ""),
            required_actions=(_action,),
            target_kind=ACCOUNT_ADMIN,
            needs_victim=False,
            references=(pathfinding(_aliases[0]), RHINO, IAM_VULNERABLE),
            checker=_self_policy_checker(_action, _kind, _verb),
            aliases=_aliases,
        )
    )


# --- rewrite a role or user the principal can then use -------------------------


def _controlled_roles(
    view: EstateView, principal: PrincipalView, control: str
) -> Iterator[tuple[Principal, list[Requirement]]]:
    """Roles the principal can act as: by assuming them (`assume`) or by
    rewriting their trust policy first (`trust`)."""
    if control == "assume":
        for role_arn in sorted(view.assumable.get(principal.arn, ())):
            role = view.estate.principals.get(role_arn)
            if role is not None and role.account_id == principal.account_id:
                yield role, [assume(role.arn, view.trust_policy(role))]
        return
    if not view.may_allow(principal, "iam:UpdateAssumeRolePolicy"):
        return
    for role in others(view, principal, "role"):
        yield role, [on("iam:UpdateAssumeRolePolicy", role.arn)]


def _role_rewrite_checker(action: str, control: str) -> Checker:
    extra = {"iam:PolicyARN": ADMINISTRATOR_ACCESS} if "Attach" in action else {}
    how = (
        "assume it" if control == "assume" else "rewrite its trust policy to assume it"
    )

    def check(view: EstateView, principal: PrincipalView) -> Iterator[Escalation]:
        if not view.may_allow(principal, action):
            return
        for role, control_steps in _controlled_roles(view, principal, control):
            if action == "iam:CreatePolicyVersion":
                targets = [p.arn for p in _customer_policies(view, role)]
            else:
                targets = [role.arn]
            for resource in targets:
                met = satisfied(
                    view, principal, [on(action, resource, **extra), *control_steps]
                )
                if met is None:
                    continue
                steps, conditional = met
                yield finding(
                    target=admin_of(principal),
                    steps=steps,
                    conditional=conditional,
                    victim=role.arn,
                    reason=(
                        f"can give role {role.name} "
                        f"admin rights with {action} and then {how}."
                    ),
                )
                break

    return check


for _id, _action, _control, _alias in (
    ("aws-iam-attach-role-policy-assume", "iam:AttachRolePolicy", "assume", "iam-014"),
    ("aws-iam-put-role-policy-assume", "iam:PutRolePolicy", "assume", "iam-017"),
    (
        "aws-iam-create-policy-version-assume",
        "iam:CreatePolicyVersion",
        "assume",
        "iam-016",
    ),
    (
        "aws-iam-attach-role-policy-update-trust",
        "iam:AttachRolePolicy",
        "trust",
        "iam-019",
    ),
    ("aws-iam-put-role-policy-update-trust", "iam:PutRolePolicy", "trust", "iam-021"),
    (
        "aws-iam-create-policy-version-update-trust",
        "iam:CreatePolicyVersion",
        "trust",
        "iam-020",
    ),
):
    _second = "sts:AssumeRole" if _control == "assume" else "iam:UpdateAssumeRolePolicy"
    register(
        Technique(
            id=_id,
            title=(
                f"{_action.split(':')[1]} on another role, then {_second.split(':')[1]}"
            ),
            required_actions=(_action, _second),
            target_kind=ACCOUNT_ADMIN,
            needs_victim=True,
            references=(pathfinding(_alias),),
            checker=_role_rewrite_checker(_action, _control),
            aliases=(_alias,),
        )
    )


def _user_rewrite_checker(action: str) -> Checker:
    extra = {"iam:PolicyARN": ADMINISTRATOR_ACCESS} if "Attach" in action else {}

    def check(view: EstateView, principal: PrincipalView) -> Iterator[Escalation]:
        if not view.may_allow_all(principal, (action, "iam:CreateAccessKey")):
            return
        for user, steps, conditional in satisfied_per_member(
            view,
            principal,
            others(view, principal, "user"),
            lambda user: [
                on(action, user.arn, **extra),
                on("iam:CreateAccessKey", user.arn),
            ],
        ):
            yield finding(
                target=admin_of(principal),
                steps=steps,
                conditional=conditional,
                victim=user.arn,
                reason=(
                    f"can give user {user.name} admin "
                    f"rights with {action} and then create an access key for it."
                ),
            )

    return check


for _id, _action, _alias in (
    ("aws-iam-attach-user-policy-create-access-key", "iam:AttachUserPolicy", "iam-015"),
    ("aws-iam-put-user-policy-create-access-key", "iam:PutUserPolicy", "iam-018"),
):
    register(
        Technique(
            id=_id,
            title=f"{_action.split(':')[1]} on another user, then CreateAccessKey",
            required_actions=(_action, "iam:CreateAccessKey"),
            target_kind=ACCOUNT_ADMIN,
            needs_victim=True,
            references=(pathfinding(_alias),),
            checker=_user_rewrite_checker(_action),
            aliases=(_alias,),
        )
    )
