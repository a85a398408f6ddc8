"""Risk acceptance and suppression, kept in a YAML file people review.

The file lists entries under `acceptances:`. Each entry matches findings by
`fingerprint`, or by `rule` plus an optional `resource` glob (fnmatch
syntax), and records who decided (`owner`), why (`justification`), until when
(`expires`, a date) and what compensates (`compensating_control`).
`status: accepted` (the default) is a known risk the owner takes on;
`status: suppressed` is a false positive. An entry past its expiry date no
longer applies, so its findings are open again.

    acceptances:
      - rule: public-object-storage
        resource: "arn:aws:s3:::static-site-*"
        owner: web-team@example.com
        justification: Public website assets, no private data.
        expires: 2026-12-31
        compensating_control: Bucket contents are built from the public repo.
"""

from __future__ import annotations

import fnmatch
import logging
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from toxicpath.findings.model import Finding

logger = logging.getLogger(__name__)


class AcceptanceError(ValueError):
    """The acceptance file is invalid; the message names the file, entry and field."""


class Acceptance(BaseModel):
    """One reviewed decision to accept or suppress matching findings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fingerprint: str | None = None
    rule: str | None = None
    resource: str = "*"
    status: Literal["accepted", "suppressed"] = "accepted"
    owner: str = Field(min_length=1)
    justification: str = Field(min_length=1)
    expires: date
    compensating_control: str = ""

    @model_validator(mode="after")
    def _needs_target(self) -> Acceptance:
        if not self.fingerprint and not self.rule:
            raise ValueError("set fingerprint, or rule with an optional resource glob")
        return self

    def matches(self, finding: Finding) -> bool:
        if self.fingerprint and self.fingerprint != finding.fingerprint:
            return False
        if self.rule and self.rule != finding.rule_id:
            return False
        return fnmatch.fnmatchcase(finding.resource_id, self.resource)

    def is_expired(self, today: date) -> bool:
        return self.expires < today

    def describe(self) -> str:
        return (
            f"{self.status} by {self.owner} until {self.expires.isoformat()}: "
            f"{self.justification}"
        )


def load_acceptances(path: Path) -> list[Acceptance]:
    """Read the acceptance file; a missing file means no acceptances."""
    if not path.exists():
        return []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise AcceptanceError(f"{path}: invalid YAML: {error}") from error
    if not isinstance(raw, dict) or not isinstance(raw.get("acceptances", []), list):
        raise AcceptanceError(f"{path}: expected a mapping with an `acceptances` list")
    entries: list[Acceptance] = []
    for index, entry in enumerate(raw.get("acceptances") or []):
        try:
            entries.append(Acceptance.model_validate(entry))
        except ValidationError as error:
            details = "; ".join(
                f"field {'.'.join(str(p) for p in e['loc']) or '(entry)'}: {e['msg']}"
                for e in error.errors()
            )
            raise AcceptanceError(f"{path}: acceptances[{index}]: {details}") from error
    return entries


def save_acceptance(path: Path, acceptance: Acceptance) -> None:
    """Append one entry to the acceptance file, creating the file if needed."""
    existing = load_acceptances(path)
    entries = [a.model_dump(mode="json", exclude_defaults=True) for a in existing]
    entry = acceptance.model_dump(mode="json", exclude_defaults=True)
    entry.setdefault("expires", acceptance.expires.isoformat())
    entries.append(entry)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            yaml.safe_dump({"acceptances": entries}, sort_keys=False),
            encoding="utf-8",
        )
    except OSError as error:
        raise AcceptanceError(
            f"cannot write the acceptance file {path}: {error.strerror}; make its "
            "folder writable or pass --acceptances with a writable path"
        ) from error
    logger.info("recorded %s in %s", acceptance.describe(), path)


def apply_acceptances(
    findings: list[Finding], acceptances: list[Acceptance], *, today: date
) -> list[Finding]:
    """Return the findings with status set by the first live matching entry.

    A finding matched only by expired entries stays open, and its
    `status_reason` names the expired entry so reports can show the lapse.
    Findings already resolved keep their status.
    """
    result: list[Finding] = []
    for finding in findings:
        if finding.status == "resolved":
            result.append(finding)
            continue
        matching = [a for a in acceptances if a.matches(finding)]
        live = [a for a in matching if not a.is_expired(today)]
        if live:
            chosen = live[0]
            result.append(
                replace(finding, status=chosen.status, status_reason=chosen.describe())
            )
        elif matching:
            lapsed = max(matching, key=lambda a: a.expires)
            result.append(
                replace(
                    finding,
                    status="open",
                    status_reason=f"acceptance expired on {lapsed.expires.isoformat()} "
                    f"(owner {lapsed.owner})",
                )
            )
        else:
            result.append(replace(finding, status="open", status_reason=""))
    return result


def open_findings(findings: list[Finding]) -> list[Finding]:
    """Return the findings to act on: not accepted, suppressed or resolved."""
    return [f for f in findings if f.status == "open"]
