"""compute-open-on-all-ports on the Forseti CAI export, from dump to rule.

instance3 in project2 is open to the internet on tcp 22, tcp 3389 and icmp
only, so it has a few open ports on more than one protocol, not every port.
"""

from __future__ import annotations

from pathlib import Path

from toxicpath.graph.ladybug_store import LadybugStore
from toxicpath.graph.records import GraphRecords
from toxicpath.graph.store import ScanInfo
from toxicpath.ingest.importers import load_inputs
from toxicpath.ingest.transform import transform
from toxicpath.queries.loader import load_rules
from toxicpath.queries.runner import run_rules

INSTANCE3 = (
    "//compute.googleapis.com/projects/project2/zones/us-west1-a/instances/instance3"
)


def _records(shared_data: Path) -> GraphRecords:
    folder = shared_data / "gcp" / "cai-exports"
    return transform(
        load_inputs(
            [folder / "mock_cai_resources.dump", folder / "mock_cai_iam_policies.dump"]
        )
    )


def test_instance3_edge_names_protocols(shared_data: Path) -> None:
    records = _records(shared_data)
    [edge] = [
        e
        for e in records.edges_of_type("EXPOSED_TO")
        if e.source == "internet" and e.target == INSTANCE3
    ]
    assert edge.props["protocol"] == "tcp,icmp"
    assert edge.props["ports"] == ["22", "3389"]


def test_instance3_not_open_on_all_ports(shared_data: Path, tmp_path: Path) -> None:
    store = LadybugStore(tmp_path / "gcp.lbdb")
    try:
        store.load(
            _records(shared_data),
            ScanInfo(id="cai", created_at="2026-01-01T00:00:00Z", complete=True),
        )
        [rule] = [r for r in load_rules() if r.id == "compute-open-on-all-ports"]
        result = run_rules(store, [rule])
    finally:
        store.close()
    assert result.failures == []
    assert INSTANCE3 not in {f.resource_id for f in result.findings}
