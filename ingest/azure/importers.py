"""Register the Azure input formats with the importer registry."""

from __future__ import annotations

from toxicpath.ingest.azure.azurehound import detect_azurehound, load_azurehound
from toxicpath.ingest.azure.exports import detect_arm_export, load_arm_export
from toxicpath.ingest.importers import register_importer

register_importer(
    "azurehound",
    detect_azurehound,
    load_azurehound,
    'AzureHound JSON output ({"meta": {"type": "azure"}, "data": [...]})',
)
register_importer(
    "azure-arm-export",
    detect_arm_export,
    load_arm_export,
    "Azure az CLI or ARM REST JSON (az role assignment list, az vm list, ARM"
    " `value` pages, REST examples), one file or a folder of .json files",
)
