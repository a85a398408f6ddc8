"""Import a folder of raw AWS API responses, one file per call.

Layout (the one CloudMapper's `collect` writes):

    <account folder>/
        describe-regions.json                  ec2 describe-regions
        <region>/
            <service>-<operation>[.json]       a call without parameters
            <service>-<operation>/<p1>[/<p2>]  a call with parameters

Files outside region folders get the region "global". Parameter folder and
file names are the URL-encoded parameter values, in the order of
`keys.PARAMETER_NAMES`. A folder whose subfolders are all account folders
is read as several accounts. The account id comes from
`sts-get-caller-identity`, or else from the account that most ARNs and
owner fields (`OwnerId`, `AccountId`, ...) name.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from toxicpath.ingest.aws.accounts import account_ids_in, most_common_account_id
from toxicpath.ingest.aws.coverage import GLOBAL_REGION, aws_coverage
from toxicpath.ingest.aws.keys import CallName, parameter_names, split_call_name
from toxicpath.ingest.errors import InputError
from toxicpath.ingest.importers import InputProbe, load_json_file, source_file
from toxicpath.ingest.redact import redact_response
from toxicpath.ingest.snapshot import RawResponse, Snapshot

logger = logging.getLogger(__name__)

RAW_RESPONSES_FORMAT = "aws-raw-responses"

_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$")


@dataclass
class _CallFile:
    path: Path
    region: str
    call: CallName
    param_values: list[str] = field(default_factory=list)


def _is_hidden(path: Path) -> bool:
    return path.name.startswith(".")


def _call_name_of(path: Path) -> CallName | None:
    stem = path.name.removesuffix(".json") if path.is_file() else path.name
    return split_call_name(stem)


def _is_account_folder(folder: Path) -> bool:
    for child in folder.iterdir():
        if _is_hidden(child):
            continue
        if child.is_dir() and _REGION.match(child.name):
            return True
        # Only a known operation counts, so a folder of another cloud's files
        # whose names happen to start with an AWS service name is not claimed.
        call = _call_name_of(child)
        if call is not None and call.known_operation:
            return True
    return False


def _account_folders(folder: Path) -> list[Path] | None:
    """Return the account folders under `folder`, or None when it is not one."""
    if _is_account_folder(folder):
        return [folder]
    children = [child for child in folder.iterdir() if not _is_hidden(child)]
    if children and all(
        child.is_dir() and _is_account_folder(child) for child in children
    ):
        return sorted(children)
    return None


def detect_raw_responses(probe: InputProbe) -> bool:
    return probe.is_dir and _account_folders(probe.path) is not None


def load_raw_responses(probe: InputProbe) -> Snapshot:
    folders = _account_folders(probe.path)
    if folders is None:
        raise InputError(probe.path, "not a folder of raw AWS API responses")
    snapshot = Snapshot(kind="import")
    for folder in folders:
        snapshot.merge(_load_account_folder(folder))
    snapshot.coverage = aws_coverage(snapshot.responses)
    return snapshot


def detect_raw_response_file(probe: InputProbe) -> bool:
    if probe.is_dir or not probe.path.name.endswith(".json"):
        return False
    call = _call_name_of(probe.path)
    return call is not None and call.known_operation


def load_raw_response_file(probe: InputProbe) -> Snapshot:
    call = _call_name_of(probe.path)
    if call is None:
        raise InputError(probe.path, "the name is not <service>-<operation>.json")
    parent = probe.path.parent.name
    region = parent if _REGION.match(parent) else GLOBAL_REGION
    call_file = _CallFile(path=probe.path, region=region, call=call)
    snapshot = _load_call_files(probe.path, [call_file])
    snapshot.coverage = aws_coverage(snapshot.responses)
    return snapshot


def _load_account_folder(folder: Path) -> Snapshot:
    return _load_call_files(folder, _walk_account_folder(folder))


def _load_call_files(folder: Path, call_files: list[_CallFile]) -> Snapshot:
    bodies = [(call_file, _read_body(call_file.path)) for call_file in call_files]
    account = _account_id(folder, bodies)
    snapshot = Snapshot(kind="import")
    for call_file, body in bodies:
        service = call_file.call.service
        operation = call_file.call.operation
        names = parameter_names(service, operation, len(call_file.param_values))
        response = RawResponse(
            cloud="aws",
            account=account,
            region=call_file.region,
            service=service,
            operation=operation,
            params=dict(zip(names, call_file.param_values, strict=True)),
            body=body,
            source=str(call_file.path),
        )
        snapshot.add_response(redact_response(response))
        snapshot.sources.append(source_file(call_file.path, RAW_RESPONSES_FORMAT))
    logger.info(
        "read %s raw responses for account %s from %s",
        len(call_files),
        account,
        folder,
    )
    return snapshot


def _walk_account_folder(folder: Path) -> list[_CallFile]:
    found: list[_CallFile] = []
    for child in sorted(folder.iterdir()):
        if _is_hidden(child):
            continue
        if child.is_dir() and _REGION.match(child.name):
            found.extend(_walk_region_folder(child, child.name))
        else:
            found.extend(_call_files_of(child, GLOBAL_REGION))
    return found


def _walk_region_folder(folder: Path, region: str) -> list[_CallFile]:
    found: list[_CallFile] = []
    for child in sorted(folder.iterdir()):
        if not _is_hidden(child):
            found.extend(_call_files_of(child, region))
    return found


def _call_files_of(entry: Path, region: str) -> list[_CallFile]:
    call = _call_name_of(entry)
    if call is None:
        raise InputError(
            entry,
            "the name is not <service>-<operation> with an AWS CLI service name"
            " (for example s3-list-buckets.json); rename or remove the file",
        )
    if not call.known_operation:
        logger.warning(
            "%s: botocore has no %s operation named %s; importing it anyway",
            entry,
            call.service,
            call.operation,
        )
    if entry.is_file():
        return [_CallFile(path=entry, region=region, call=call)]
    found: list[_CallFile] = []
    for path in sorted(entry.rglob("*")):
        parts = path.relative_to(entry).parts
        if path.is_dir() or any(part.startswith(".") for part in parts):
            continue
        values = [unquote(part) for part in parts]
        found.append(
            _CallFile(path=path, region=region, call=call, param_values=values)
        )
    return found


def _read_body(path: Path) -> dict[str, Any]:
    body = load_json_file(path)
    if not isinstance(body, dict):
        raise InputError(
            path,
            f"the file contains a JSON {type(body).__name__}, but an AWS API response"
            " is a JSON object; save the call's output with `--output json`",
        )
    return body


def _account_id(folder: Path, bodies: list[tuple[_CallFile, dict[str, Any]]]) -> str:
    for call_file, body in bodies:
        if (call_file.call.service, call_file.call.operation) == (
            "sts",
            "get-caller-identity",
        ):
            account = body.get("Account")
            if isinstance(account, str) and account:
                return account
            raise InputError(
                call_file.path,
                "field Account is missing or not text; save the output of"
                " `aws sts get-caller-identity` unchanged",
            )
    account = most_common_account_id(
        account for _, body in bodies for account in account_ids_in(body)
    )
    if account is None:
        raise InputError(
            folder,
            "cannot tell the account id: there is no sts-get-caller-identity.json"
            " and no ARN or owner field names an account; add the output of"
            " `aws sts get-caller-identity`",
        )
    return account
