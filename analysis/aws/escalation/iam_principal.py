"""Escalation by taking over another principal: its credentials, its trust
policy or its group memberships.
"""

from __future__ import annotations

from collections.abc import Iterator

from toxicpath.analysis.aws.escalation.catalog import (
    IAM_VULNERABLE,
    RHINO,
    VICTIM_GROUP,
    VICTIM_ROLE,
    VICTIM_USER,
    Checker,
    Escalation,
    Technique,
    pathfinding,
    register,
)
from toxicpath.analysis.aws.escalation.checks import (
    finding,
    on,
    others,
    satisfied,
    satisfied_per_member,
)
from toxicpath.analysis.aws.escalation.context import EstateView, PrincipalView
from toxicpath.ingest.aws.estate import Principal

# IAM allows two access keys per user.
MAX_ACCESS_KEYS = 2


def _key_count(user: Principal) -> int:
    return len(user.access_keys)


def _create_access_key(
    view: EstateView, principal: PrincipalView
) -> Iterator[Escalation]:
    if not view.may_allow(principal, "iam:CreateAccessKey"):
        return
    users = [
        user
        for user in others(view, principal, "user")
        if _key_count(user) < MAX_ACCESS_KEYS
    ]
    for user, steps, conditional in satisfied_per_member(
        view, principal, users, lambda user: [on("iam:CreateAccessKey", user.arn)]
    ):
        yield finding(
            target=user.arn,
            steps=steps,
            conditional=conditional,
            victim=user.arn,
            reason=(
                f"can create an access key for user {user.name} and act as that user."
            ),
        )


def _rotate_access_key(
    view: EstateView, principal: PrincipalView
) -> Iterator[Escalation]:
    if not view.may_allow_all(
        principal, ("iam:CreateAccessKey", "iam:DeleteAccessKey")
    ):
        return
    users = [
        user
        for user in others(view, principal, "user")
        if _key_count(user) >= MAX_ACCESS_KEYS
    ]
    for user, steps, conditional in satisfied_per_member(
        view,
        principal,
        users,
        lambda user: [
            on("iam:DeleteAccessKey", user.arn),
            on("iam:CreateAccessKey", user.arn),
        ],
    ):
        yield finding(
            target=user.arn,
            steps=steps,
            conditional=conditional,
            victim=user.arn,
            reason=(
                f"can delete one of user {user.name}'s "
                "two access keys, create a new one and act as that user."
            ),
        )


def _login_profile_checker(action: str, wants_console: bool) -> Checker:
    verb = (
        "set a new console password" if wants_console else "create a console password"
    )

    def check(view: EstateView, principal: PrincipalView) -> Iterator[Escalation]:
        if not view.may_allow(principal, action):
            return
        # Unknown console access (None) fits both techniques.
        users = [
            user
            for user in others(view, principal, "user")
            if user.console_access is not (not wants_console)
        ]
        for user, steps, conditional in satisfied_per_member(
            view, principal, users, lambda user: [on(action, user.arn)]
        ):
            yield finding(
                target=user.arn,
                steps=steps,
                conditional=conditional,
                victim=user.arn,
                reason=(f"can {verb} for user {user.name} and sign in as that user."),
                notes=(
                    ["MFA on the user blocks console sign-in"]
                    if user.mfa_enabled
                    else []
                ),
            )

    return check


def _update_assume_role_policy(
    view: EstateView, principal: PrincipalView
) -> Iterator[Escalation]:
    if not view.may_allow(principal, "iam:UpdateAssumeRolePolicy"):
        return
    # AWS rejects trust changes on service-linked roles.
    roles = [
        role
        for role in others(view, principal, "role")
        if ":role/aws-service-role/" not in role.arn
    ]
    for role, steps, conditional in satisfied_per_member(
        view,
        principal,
        roles,
        lambda role: [on("iam:UpdateAssumeRolePolicy", role.arn)],
    ):
        yield finding(
            target=role.arn,
            steps=steps,
            conditional=conditional,
            victim=role.arn,
            reason=(
                f"can rewrite the trust policy of role "
                f"{role.name} to trust itself and assume it."
            ),
        )


def _add_user_to_group(
    view: EstateView, principal: PrincipalView
) -> Iterator[Escalation]:
    if principal.principal.kind != "user":
        return
    if not view.may_allow(principal, "iam:AddUserToGroup"):
        return
    member_of = {group.arn for group in principal.groups}
    for group in view.principals_in(principal.account_id, "group"):
        if group.arn in member_of:
            continue
        met = satisfied(view, principal, [on("iam:AddUserToGroup", group.arn)])
        if met is None:
            continue
        steps, conditional = met
        yield finding(
            target=group.arn,
            steps=steps,
            conditional=conditional,
            victim=group.arn,
            reason=(
                f"can add itself to group {group.name} and gain the group's rights."
            ),
        )


register(
    Technique(
        id="aws-iam-create-access-key",
        title="Create an access key for another user",
        required_actions=("iam:CreateAccessKey",),
        target_kind=VICTIM_USER,
        needs_victim=True,
        references=(pathfinding("iam-002"), RHINO, IAM_VULNERABLE),
        checker=_create_access_key,
        aliases=("iam-002", "rhino-4"),
    )
)
register(
    Technique(
        id="aws-iam-rotate-access-key",
        title="Delete and recreate an access key of a user that has two",
        required_actions=("iam:CreateAccessKey", "iam:DeleteAccessKey"),
        target_kind=VICTIM_USER,
        needs_victim=True,
        references=(pathfinding("iam-003"),),
        checker=_rotate_access_key,
        aliases=("iam-003",),
    )
)
register(
    Technique(
        id="aws-iam-create-login-profile",
        title="Create a console password for a user that has none",
        required_actions=("iam:CreateLoginProfile",),
        target_kind=VICTIM_USER,
        needs_victim=True,
        references=(pathfinding("iam-004"), RHINO, IAM_VULNERABLE),
        checker=_login_profile_checker("iam:CreateLoginProfile", wants_console=False),
        aliases=("iam-004", "rhino-5"),
    )
)
register(
    Technique(
        id="aws-iam-update-login-profile",
        title="Change the console password of a user",
        required_actions=("iam:UpdateLoginProfile",),
        target_kind=VICTIM_USER,
        needs_victim=True,
        references=(pathfinding("iam-006"), RHINO, IAM_VULNERABLE),
        checker=_login_profile_checker("iam:UpdateLoginProfile", wants_console=True),
        aliases=("iam-006", "rhino-6"),
    )
)
register(
    Technique(
        id="aws-iam-update-assume-role-policy",
        title="Rewrite a role's trust policy to trust the attacker",
        required_actions=("iam:UpdateAssumeRolePolicy",),
        target_kind=VICTIM_ROLE,
        needs_victim=True,
        references=(pathfinding("iam-012"), RHINO, IAM_VULNERABLE),
        checker=_update_assume_role_policy,
        aliases=("iam-012", "rhino-14"),
    )
)
register(
    Technique(
        id="aws-iam-add-user-to-group",
        title="Add oneself to a more privileged group",
        required_actions=("iam:AddUserToGroup",),
        target_kind=VICTIM_GROUP,
        needs_victim=True,
        references=(pathfinding("iam-013"), RHINO, IAM_VULNERABLE),
        checker=_add_user_to_group,
        aliases=("iam-013", "rhino-13"),
    )
)
