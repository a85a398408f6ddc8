"""Find the AWS account id of an input that does not state it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

# The account field of an ARN: arn:<partition>:<service>:<region>:<account>:...
_ARN_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):")

# Response fields that contain the 12-digit id of the owning account.
_OWNER_FIELDS = frozenset({"OwnerId", "AccountId", "registryId", "Owner"})


def account_of_arn(arn: str) -> str | None:
    """Return the 12-digit account id of `arn`, or None (AWS-owned, no account)."""
    match = _ARN_ACCOUNT.match(arn)
    return match.group(1) if match else None


def most_common_account(arns: Iterable[str]) -> str | None:
    """Return the account id that most of `arns` belong to, or None."""
    return most_common_account_id(
        account for account in map(account_of_arn, arns) if account is not None
    )


def most_common_account_id(ids: Iterable[str]) -> str | None:
    """Return the id that occurs most often in `ids`, ties to the smallest."""
    counts = Counter(ids)
    if not counts:
        return None
    # Ties go to the smallest id, so the result does not depend on file order.
    return min(counts, key=lambda account: (-counts[account], account))


def account_ids_in(value: Any) -> Iterable[str]:
    """Yield the account id of every ARN and owner field in a JSON value."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item.startswith("arn:"):
                account = account_of_arn(item)
                if account is not None:
                    yield account
        elif isinstance(item, dict):
            for key, child in item.items():
                is_id = isinstance(child, str) and len(child) == 12 and child.isdigit()
                if key in _OWNER_FIELDS and is_id:
                    yield child
                else:
                    stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)
