"""Find the AWS account id of an input that does not state it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

# The account field of an ARN: arn:<partition>:<service>:<region>:<account>:...
_ARN_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):")


def account_of_arn(arn: str) -> str | None:
    """Return the 12-digit account id of `arn`, or None (AWS-owned, no account)."""
    match = _ARN_ACCOUNT.match(arn)
    return match.group(1) if match else None


def most_common_account(arns: Iterable[str]) -> str | None:
    """Return the account id that most of `arns` belong to, or None."""
    counts: Counter[str] = Counter()
    for arn in arns:
        account = account_of_arn(arn)
        if account is not None:
            counts[account] += 1
    if not counts:
        return None
    # Ties go to the smallest id, so the result does not depend on file order.
    return min(counts, key=lambda account: (-counts[account], account))


def arns_in(value: Any) -> Iterable[str]:
    """Yield every string in a JSON value that starts with `arn:`."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item.startswith("arn:"):
                yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
