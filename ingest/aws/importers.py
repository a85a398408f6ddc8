"""Register the AWS input formats with the importer registry."""

from __future__ import annotations

from toxicpath.ingest.aws.authorization import (
    detect_authorization_details,
    detect_cloudsplaining,
    load_authorization_details,
    load_cloudsplaining,
)
from toxicpath.ingest.aws.folder import (
    detect_raw_response_file,
    detect_raw_responses,
    load_raw_response_file,
    load_raw_responses,
)
from toxicpath.ingest.importers import register_importer

register_importer(
    "aws-authorization-details",
    detect_authorization_details,
    load_authorization_details,
    "the JSON output of `aws iam get-account-authorization-details`"
    " (one document, or a JSON array of page documents)",
)
register_importer(
    "cloudsplaining-results",
    detect_cloudsplaining,
    load_cloudsplaining,
    "a Cloudsplaining results list (JSON array of entries with Type, Arn"
    " and PolicyDocument)",
)
register_importer(
    "aws-raw-responses",
    detect_raw_responses,
    load_raw_responses,
    "a folder of raw AWS API responses named <service>-<operation>[.json],"
    " optionally under region folders, with parameterised calls in sub-folders",
)
register_importer(
    "aws-raw-response-file",
    detect_raw_response_file,
    load_raw_response_file,
    "one raw AWS API response file named <service>-<operation>.json",
)
