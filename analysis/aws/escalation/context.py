"""The per-principal view of an AWS estate that admin detection, escalation
and access analysis share.

Each user and role gets a `PrincipalView`: its identity policies (its own
managed and inline policies plus those of its groups), its permissions
boundary and the SCP levels above its account, compiled once. Principals
whose policies are the same share a cache key, so an estate of 20,000 roles
built from a few hundred policy combinations is evaluated a few hundred
times per question, not 20,000 times.

Groups get a view too, with only the group's policies. It tells what
membership grants, which `iam:AddUserToGroup` needs.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from toxicpath.analysis.aws.coverage import ArnSet, CoverageIndex
from toxicpath.analysis.aws.policy import (
    CompiledPolicy,
    EvaluationResult,
    PrincipalPolicySet,
    RequestContext,
    allowed_actions,
    evaluate,
    resource_policy_grants,
)
from toxicpath.analysis.aws.policy.compiled import is_principal_key
from toxicpath.analysis.aws.policy.patterns import glob_match, resource_matches
from toxicpath.ingest.aws.estate import AwsEstate, PolicyResource, Principal

logger = logging.getLogger(__name__)


_ANY_RESOURCE = "*"


@dataclass(frozen=True)
class _AllowStatement:
    """The Action and Resource elements of one Allow statement, for pre-checks."""

    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[str, ...] | None  # None: any resource may match


@dataclass(frozen=True)
class PolicySource:
    """The origin of one of a principal's policies, kept for evidence."""

    policy_id: str
    name: str
    attachment: str  # managed, inline, group-managed, group-inline, boundary, scp
    via: str = ""  # the group ARN for group policies


@dataclass
class PrincipalView:
    """One principal with its effective policy set."""

    principal: Principal
    policies: PrincipalPolicySet
    sources: dict[str, PolicySource]
    key: tuple[str, ...]
    documents: list[Any]
    groups: list[Principal] = field(default_factory=list)

    @property
    def arn(self) -> str:
        return self.principal.arn

    @property
    def account_id(self) -> str:
        return self.principal.account_id


@dataclass
class EstateView:
    """Compiled policies, indexes and an evaluation cache over one estate."""

    estate: AwsEstate
    views: dict[str, PrincipalView] = field(default_factory=dict)
    group_views: dict[str, PrincipalView] = field(default_factory=dict)
    groups_by_name: dict[tuple[str, str], Principal] = field(default_factory=dict)
    members_of_group: dict[str, list[Principal]] = field(default_factory=dict)
    principals_by_account: dict[str, list[Principal]] = field(default_factory=dict)
    compiled: dict[str, CompiledPolicy] = field(default_factory=dict)
    # Filled by admin detection: principal ARN -> evidence of admin rights.
    admins: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    conditional_admins: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Filled by trust analysis: principal ARN -> roles it can assume without
    # an undecided condition.
    assumable: dict[str, set[str]] = field(default_factory=dict)
    _cache: dict[tuple[Any, ...], EvaluationResult] = field(default_factory=dict)
    _action_cache: dict[tuple[Any, ...], tuple[str, ...] | None] = field(
        default_factory=dict
    )
    _allow_patterns: dict[tuple[str, ...], list[_AllowStatement]] = field(
        default_factory=dict
    )
    _principal_specific: set[tuple[str, ...]] = field(default_factory=set)
    # Specific policy sets that read only the principal's tags, type and
    # account, so that principals with equal tags share results.
    _tag_specific: set[tuple[str, ...]] = field(default_factory=set)
    _principal_dependent_policies: dict[str, bool] = field(default_factory=dict)
    _invalid: set[str] = field(default_factory=set)
    _resources_by_kind: dict[tuple[str, str], list[PolicyResource]] | None = None
    _roles_by_profile: dict[str, set[str]] | None = None
    _service_roles: dict[tuple[str, str], list[Principal]] = field(default_factory=dict)
    _by_kind: dict[tuple[str, str], list[Principal]] = field(default_factory=dict)
    _coverage: CoverageIndex | None = None

    @classmethod
    def build(cls, estate: AwsEstate) -> EstateView:
        view = cls(estate=estate)
        for principal in estate.principals.values():
            view.principals_by_account.setdefault(principal.account_id, []).append(
                principal
            )
            if principal.kind == "group":
                view.groups_by_name[(principal.account_id, principal.name)] = principal
        members: dict[str, list[Principal]] = defaultdict(list)
        scp_levels = _ScpLevels(view)
        for principal in estate.principals.values():
            if principal.kind == "group":
                view.group_views[principal.arn] = view._build_view(
                    principal, [], scp_levels
                )
                continue
            groups = []
            for name in principal.group_names:
                group = view.groups_by_name.get((principal.account_id, name))
                if group is not None:
                    groups.append(group)
                    members[group.arn].append(principal)
            view.views[principal.arn] = view._build_view(principal, groups, scp_levels)
        view.members_of_group = dict(members)
        logger.info(
            "built policy views for %d principals with %d distinct policy sets",
            len(view.views),
            len({v.key for v in view.views.values()}),
        )
        return view

    # --- building ----------------------------------------------------------

    def compile(self, policy_id: str, document: Any) -> CompiledPolicy | None:
        """Compile a policy once; an invalid document is logged and skipped."""
        if policy_id in self.compiled:
            return self.compiled[policy_id]
        try:
            compiled = CompiledPolicy.compile(document, policy_id=policy_id)
        except ValueError as error:
            # NOTE: skipping an invalid policy can hide both grants and
            # denies; the warning names it so the input can be fixed.
            logger.warning("skipping invalid policy %s: %s", policy_id, error)
            self._invalid.add(policy_id)
            return None
        self.compiled[policy_id] = compiled
        return compiled

    def _build_view(
        self, principal: Principal, groups: list[Principal], scp_levels: _ScpLevels
    ) -> PrincipalView:
        sources: dict[str, PolicySource] = {}
        identity: list[CompiledPolicy] = []
        documents: list[Any] = []
        owners = [(principal, "")] + [(group, "group-") for group in groups]
        for owner, prefix in owners:
            via = owner.arn if prefix else ""
            for policy_arn in owner.managed_policy_arns:
                policy = self.estate.policies.get(policy_arn)
                if policy is None:
                    continue
                compiled = self.compile(policy_arn, policy.document)
                if compiled is None:
                    continue
                identity.append(compiled)
                documents.append(policy.document)
                sources[policy_arn] = PolicySource(
                    policy_arn, policy.name, f"{prefix}managed", via
                )
            for name, document in owner.inline_policies.items():
                policy_id = f"{owner.arn}#inline:{name}"
                compiled = self.compile(policy_id, document)
                if compiled is None:
                    continue
                identity.append(compiled)
                documents.append(document)
                sources[policy_id] = PolicySource(
                    policy_id, name, f"{prefix}inline", via
                )
        boundary = None
        boundary_documents: list[Any] = []
        boundary_arn = principal.permissions_boundary_arn
        if boundary_arn and boundary_arn in self.estate.policies:
            policy = self.estate.policies[boundary_arn]
            boundary = self.compile(boundary_arn, policy.document)
            boundary_documents.append(policy.document)
            sources[boundary_arn] = PolicySource(boundary_arn, policy.name, "boundary")
        levels = scp_levels.for_account(principal.account_id)
        for level in levels:
            for scp in level:
                sources[scp.policy_id] = PolicySource(scp.policy_id, "", "scp")
        key = (
            *sorted(p.policy_id for p in identity),
            f"boundary={boundary_arn or ''}",
            f"account={principal.account_id}",
        )
        policy_set = PrincipalPolicySet(
            identity_policies=identity,
            boundary=boundary,
            scp_levels=[list(level) for level in levels],
        )
        view = PrincipalView(principal, policy_set, sources, key, documents, groups)
        if (
            _uses_principal_keys(documents + boundary_documents)
            or policy_set.depends_on_principal
        ):
            self._principal_specific.add(key)
            if _reads_only_tags(policy_set):
                self._tag_specific.add(key)
        return view

    # --- questions ---------------------------------------------------------

    def request_for(
        self, principal: Principal, extra: Mapping[str, str] | None = None
    ) -> RequestContext:
        return RequestContext(
            principal_arn=principal.arn,
            principal_account=principal.account_id,
            principal_tags=dict(principal.tags),
            username=principal.name if principal.kind == "user" else None,
            user_id=principal.id or None,
            extra=dict(extra or {}),
        )

    def evaluate(
        self,
        view: PrincipalView,
        action: str,
        resource: str,
        *,
        resource_policy: CompiledPolicy | None = None,
        resource_account: str | None = None,
        resource_policy_required: bool = False,
        extra: Mapping[str, str] | None = None,
    ) -> EvaluationResult:
        """Evaluate one request by `view`'s principal, cached per policy set."""
        # Principals with the same policies share results, unless a policy in
        # play reads who the principal is (see `owner`). A resource policy that
        # names principals keeps results per principal.
        if resource_policy is not None and self._names_principals(resource_policy):
            owner: object = view.arn
        else:
            owner = self.owner(view)
        cache_key = (
            view.key,
            owner,
            action,
            resource,
            resource_policy.policy_id if resource_policy is not None else "",
            resource_account or "",
            resource_policy_required,
            tuple(sorted((extra or {}).items())),
        )
        result = self._cache.get(cache_key)
        if result is None:
            result = evaluate(
                action=action,
                resource=resource,
                context=self.request_for(view.principal, extra),
                principal_policies=view.policies,
                resource_policy=resource_policy,
                resource_account=resource_account,
                resource_policy_required=resource_policy_required,
            )
            self._cache[cache_key] = result
        return result

    def evaluate_many(
        self,
        view: PrincipalView,
        actions: Iterable[str],
        resource: str,
        *,
        resource_policy: CompiledPolicy | None = None,
        resource_account: str | None = None,
        resource_policy_required: bool = False,
    ) -> dict[str, EvaluationResult]:
        """Evaluate several actions on one resource in one pass (not cached)."""
        return allowed_actions(
            view.policies,
            resource=resource,
            candidate_actions=tuple(actions),
            context=self.request_for(view.principal),
            resource_policy=resource_policy,
            resource_account=resource_account,
            resource_policy_required=resource_policy_required,
        )

    def may_allow(self, view: PrincipalView, action: str) -> bool:
        """Cheap pre-check: could any Allow statement of `view` match `action`?

        True does not mean allowed (resources, conditions, denies, boundaries
        and SCPs are left to `evaluate`); False means certainly not allowed by
        the identity policies, so the evaluator need not run.
        """
        return self._resource_patterns(view, action) is not None

    def may_allow_on(self, view: PrincipalView, action: str, resource: str) -> bool:
        """Like `may_allow`, and the statement's Resource may cover `resource`."""
        patterns = self._resource_patterns(view, action)
        if patterns is None:
            return False
        if _ANY_RESOURCE in patterns:
            return True
        return any(resource_matches(pattern, resource) for pattern in patterns)

    def may_allow_all(self, view: PrincipalView, actions: Iterable[str]) -> bool:
        return all(self.may_allow(view, action) for action in actions)

    def _resource_patterns(
        self, view: PrincipalView, action: str
    ) -> tuple[str, ...] | None:
        """Resource patterns of the Allow statements that may match `action`,
        or None when no statement matches it."""
        cache_key = (view.key, action)
        if cache_key in self._action_cache:
            return self._action_cache[cache_key]
        found: list[str] = []
        matched = False
        for statement in self._allow_statements_of(view):
            covered = any(
                glob_match(pattern, action, ignore_case=True)
                for pattern in statement.actions
            )
            if covered == statement.not_action:
                continue
            matched = True
            if statement.resources is None:
                found.append(_ANY_RESOURCE)
            else:
                found.extend(statement.resources)
        result = tuple(sorted(set(found))) if matched else None
        self._action_cache[cache_key] = result
        return result

    def _allow_statements_of(self, view: PrincipalView) -> list[_AllowStatement]:
        cached = self._allow_patterns.get(view.key)
        if cached is not None:
            return cached
        statements: list[_AllowStatement] = []
        for document in view.documents:
            for statement in _statements(document):
                if statement.get("Effect") != "Allow":
                    continue
                not_action = "NotAction" in statement
                actions = _as_list(
                    statement.get("NotAction" if not_action else "Action")
                )
                resources: tuple[str, ...] | None = tuple(
                    _as_list(statement.get("Resource"))
                )
                # NotResource and policy variables are left to the evaluator.
                if "NotResource" in statement or any(
                    "${" in r or r == "*" for r in resources or ()
                ):
                    resources = None
                statements.append(
                    _AllowStatement(tuple(actions), not_action, resources)
                )
        self._allow_patterns[view.key] = statements
        return statements

    def resources_of_kind(self, account_id: str, kind: str) -> list[PolicyResource]:
        if self._resources_by_kind is None:
            index: dict[tuple[str, str], list[PolicyResource]] = defaultdict(list)
            for resource in self.estate.resources.values():
                index[(resource.account_id, resource.kind)].append(resource)
            self._resources_by_kind = dict(index)
        return self._resources_by_kind.get((account_id, kind), [])

    def roles_of_profile(self, arn: str) -> list[str]:
        """Role ARNs behind an instance profile ARN; a role ARN maps to itself."""
        if ":role/" in arn:
            return [arn]
        profile = self.estate.instance_profiles.get(arn)
        if profile is not None:
            return list(profile.role_arns)
        return sorted(self._profile_roles().get(arn, ()))

    def instance_profiles_of(self, role_arn: str) -> list[str]:
        role = self.estate.principals.get(role_arn)
        found = set(role.instance_profile_arns) if role is not None else set()
        for profile in self.estate.instance_profiles.values():
            if role_arn in profile.role_arns:
                found.add(profile.arn)
        return sorted(found)

    def _profile_roles(self) -> dict[str, set[str]]:
        if self._roles_by_profile is None:
            index: dict[str, set[str]] = defaultdict(set)
            for principal in self.estate.principals.values():
                for profile_arn in principal.instance_profile_arns:
                    index[profile_arn].add(principal.arn)
            self._roles_by_profile = dict(index)
        return self._roles_by_profile

    def trust_policy(self, role: Principal) -> CompiledPolicy | None:
        if role.trust_policy is None:
            return None
        return self.compile(f"{role.arn}#trust", role.trust_policy)

    def roles_trusting_service(self, account_id: str, service: str) -> list[Principal]:
        """Roles of the account whose trust policy lets `service` assume them."""
        cache_key = (account_id, service)
        cached = self._service_roles.get(cache_key)
        if cached is not None:
            return cached
        found = []
        for role in self.principals_in(account_id, "role"):
            trust = self.trust_policy(role)
            if trust is None or service not in json.dumps(role.trust_policy):
                continue
            result = resource_policy_grants(
                trust,
                action="sts:AssumeRole",
                resource=role.arn,
                principal=service,
                principal_type="Service",
            )
            if result.allowed:
                found.append(role)
        self._service_roles[cache_key] = found
        return found

    def clear_cache(self) -> None:
        """Drop cached evaluation results between analysis steps (memory)."""
        self._cache.clear()

    def _names_principals(self, policy: CompiledPolicy) -> bool:
        """`policy.depends_on_principal`, computed once per policy."""
        known = self._principal_dependent_policies.get(policy.policy_id)
        if known is None:
            known = policy.depends_on_principal
            self._principal_dependent_policies[policy.policy_id] = known
        return known

    def owner(self, view: PrincipalView) -> object:
        """Return what, besides its policies, may change decisions for the
        principal: "" when nothing does, its type and tags when the policies
        read only tag, type and account keys, else its ARN. Principals with
        the same policy set and owner share every cached result."""
        if view.key not in self._principal_specific:
            return ""
        if view.key in self._tag_specific:
            principal = view.principal
            return (principal.kind, tuple(sorted(principal.tags.items())))
        return view.arn

    def partition(
        self, view: PrincipalView, members: Sequence[Principal]
    ) -> list[list[Principal]]:
        """Split users or roles into groups on which `view`'s policies decide
        alike for every action (`analysis/aws/coverage.py`), so a checker can
        evaluate one member per group. Members must be users or roles of the
        estate, of any kind and account."""
        if len(members) < 2:
            return [list(members)] if members else []
        coverage = self._principal_coverage()
        by_slot: dict[tuple[str, str], list[Principal]] = defaultdict(list)
        for member in members:
            by_slot[(member.kind, member.account_id)].append(member)
        groups: list[list[Principal]] = []
        for (kind, account), slot_members in by_slot.items():
            varying = coverage.varying(view.key, view.policies, kind, account)
            if varying is None:
                groups.extend([member] for member in slot_members)
            elif not varying:
                groups.append(slot_members)
            else:
                keyed: dict[tuple[int, ...], list[Principal]] = defaultdict(list)
                for member in slot_members:
                    key = tuple(bits.get(member.arn, 0) for bits in varying)
                    keyed[key].append(member)
                groups.extend(keyed.values())
        return groups

    def _principal_coverage(self) -> CoverageIndex:
        if self._coverage is None:
            sets = []
            for kind in ("user", "role"):
                sets.append(
                    ArnSet.build(
                        kind,
                        (
                            (p.arn, p.account_id)
                            for p in self.estate.principals.values()
                            if p.kind == kind
                        ),
                    )
                )
            self._coverage = CoverageIndex(sets)
        return self._coverage

    def principals_in(self, account_id: str, kind: str) -> list[Principal]:
        cached = self._by_kind.get((account_id, kind))
        if cached is None:
            cached = [
                p
                for p in self.principals_by_account.get(account_id, [])
                if p.kind == kind
            ]
            self._by_kind[(account_id, kind)] = cached
        return cached

    def is_admin(self, arn: str) -> bool:
        return arn in self.admins


class _ScpLevels:
    """SCP levels from the organization root down to each account."""

    def __init__(self, view: EstateView) -> None:
        self._view = view
        self._by_target: dict[str, list[CompiledPolicy]] = defaultdict(list)
        self._cache: dict[str, tuple[tuple[CompiledPolicy, ...], ...]] = {}
        organization = view.estate.organization
        if organization is not None:
            for scp in organization.scps:
                compiled = view.compile(f"aws:scp:{scp.id}", scp.document)
                if compiled is None:
                    continue
                for target in scp.target_ids:
                    self._by_target[target].append(compiled)

    def for_account(self, account_id: str) -> tuple[tuple[CompiledPolicy, ...], ...]:
        cached = self._cache.get(account_id)
        if cached is not None:
            return cached
        organization = self._view.estate.organization
        levels: list[tuple[CompiledPolicy, ...]] = []
        # SCPs never restrict the management account.
        if organization is not None and account_id != (
            organization.management_account_id
        ):
            chain = [account_id]
            seen = {account_id}
            while chain[-1] in organization.parents:
                parent = organization.parents[chain[-1]]
                if parent in seen:
                    break
                seen.add(parent)
                chain.append(parent)
            for node in reversed(chain):
                attached = self._by_target.get(node)
                # NOTE: a level with no SCP in the snapshot is taken as
                # FullAWSAccess: exports often omit the default SCP, and AWS
                # requires every node to have at least one.
                if attached:
                    levels.append(tuple(attached))
        result = tuple(levels)
        self._cache[account_id] = result
        return result


def _statements(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        return []
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        return [statements]
    return [s for s in statements if isinstance(s, dict)]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


# Principal keys whose values two principals with equal type, tags and
# account share. Resource tag keys are listed because the evaluator is not
# given resource tags, so they stay undecided for every principal.
_TAG_KEY_PREFIXES = ("aws:principaltag/", "aws:resourcetag/", "iam:resourcetag/")
_SHARED_PRINCIPAL_KEYS = frozenset({"aws:principalaccount", "aws:principaltype"})


def _reads_only_tags(policy_set: PrincipalPolicySet) -> bool:
    """Return whether the set reads nothing about the principal but its
    tags, type and account (no name, ARN, id or policy variable)."""
    for policy in policy_set.every_policy():
        if any(s.principal is not None for s in policy.statements):
            return False
        for key in policy.context_keys:
            if key.startswith(_TAG_KEY_PREFIXES) or key in _SHARED_PRINCIPAL_KEYS:
                continue
            if is_principal_key(key) or "${" in key:
                return False
        if any(
            "${" in text
            for statement in policy.statements
            for text in (*(statement.resources or ()), *statement.condition_values)
        ):
            return False
    return True


def _uses_principal_keys(documents: list[Any]) -> bool:
    """Return whether the outcome may depend on who the principal is, beyond
    its policies. Policy variables and conditions on the principal's name,
    id, ARN or tags make it so."""
    for document in documents:
        text = json.dumps(document).lower()
        if "${" in text or any(key in text for key in _PRINCIPAL_KEYS):
            return True
    return False


_PRINCIPAL_KEYS = (
    "aws:username",
    "aws:userid",
    "aws:principal",  # aws:PrincipalArn, aws:PrincipalTag/..., aws:PrincipalAccount
    "iam:resourcetag",
    "aws:resourcetag",
)
