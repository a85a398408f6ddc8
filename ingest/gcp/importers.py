"""Register the GCP input formats with the importer registry."""

from __future__ import annotations

from toxicpath.ingest.gcp.exports import detect_gcp_input, load_gcp_input
from toxicpath.ingest.importers import register_importer

register_importer(
    "gcp-cloud-asset",
    detect_gcp_input,
    load_gcp_input,
    "GCP Cloud Asset Inventory export (JSON Lines, snake_case or camelCase), "
    "gcloud asset list / search-all-resources / search-all-iam-policies JSON, "
    "or gcloud iam policies (deny) JSON; one file or a folder",
)
