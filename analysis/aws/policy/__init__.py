"""AWS IAM policy evaluation: what a principal may do, and under which conditions.

Compile each document once with `CompiledPolicy.compile`, group a
principal's policies in a `PrincipalPolicySet`, then call `evaluate` for one
action or `allowed_actions` for many. `resource_policy_grants` and
`principal_matches` test resource and trust policies against a principal.

What the evaluator does not decide is listed in docs/aws-coverage.md.
"""

from toxicpath.analysis.aws.policy.collect import PrincipalPolicySet
from toxicpath.analysis.aws.policy.compiled import CompiledPolicy, CompiledStatement
from toxicpath.analysis.aws.policy.evaluate import (
    allowed_actions,
    evaluate,
    principal_matches,
    resource_policy_grants,
)
from toxicpath.analysis.aws.policy.model import (
    Decision,
    EvaluationResult,
    RequestContext,
    StatementRef,
    UndecidedCondition,
)
from toxicpath.analysis.aws.policy.principals import (
    ACCOUNT,
    ANY,
    DIRECT,
    SESSION,
    PrincipalRef,
    parse_principal,
)

__all__ = [
    "ACCOUNT",
    "ANY",
    "DIRECT",
    "SESSION",
    "CompiledPolicy",
    "CompiledStatement",
    "Decision",
    "EvaluationResult",
    "PrincipalPolicySet",
    "PrincipalRef",
    "RequestContext",
    "StatementRef",
    "UndecidedCondition",
    "allowed_actions",
    "evaluate",
    "parse_principal",
    "principal_matches",
    "resource_policy_grants",
]
