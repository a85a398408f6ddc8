"""Federated identity credentials: outside tokens that sign in as a managed identity.

A user-assigned identity trusts a token when its issuer, subject and audience
match one of the identity's federated credentials. Each credential becomes a
CAN_ASSUME edge from the issuer (a `federated_provider` identity) to the
managed identity. Azure matches the subject exactly, so the edge is
conditional on it. A credential without a subject admits every token of the
issuer and gets an unconditional edge.

NOTE: flexible credentials (`claimsMatchingExpression`, which allows
wildcards) are not returned by the SDK version the collector uses, so they
are not evaluated.
"""

from __future__ import annotations

from toxicpath.analysis.azure.node_props import azure_node_props
from toxicpath.analysis.azure.nodes import IdentityIndex
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.azure.estate import AzureEstate
from toxicpath.ingest.transform import TransformContext

FEDERATED_CREDENTIAL_TYPE = (
    "microsoft.managedidentity/userassignedidentities/federatedidentitycredentials"
)


def provider_node(issuer: str) -> str:
    return f"azure:federated:{issuer.rstrip('/').lower()}"


def derive_federated_trusts(
    estate: AzureEstate,
    records: GraphRecords,
    context: TransformContext,
    index: IdentityIndex,
) -> None:
    """Add provider nodes and CAN_ASSUME edges for every federated credential."""
    for credential in estate.resources_of_type(FEDERATED_CREDENTIAL_TYPE):
        properties = credential.properties
        issuer = str(properties.get("issuer") or "")
        identity_id = credential.id.split("/federatedidentitycredentials/", 1)[0]
        target = index.user_assigned.get(identity_id)
        if not issuer or target is None or target not in records.nodes:
            continue
        source = provider_node(issuer)
        records.add_node(
            "Identity",
            source,
            is_admin=False,
            **azure_node_props(
                node_type="federated_provider",
                native_type="OpenIDConnectIssuer",
                name=issuer,
                account_id="",
                scan_id=context.scan_id,
            ),
        )
        subject = str(properties.get("subject") or "")
        audiences = [str(a) for a in properties.get("audiences") or []]
        name = records.nodes[target].props.get("name", target)
        records.add_edge(
            "CAN_ASSUME",
            source,
            target,
            conditional=bool(subject),
            scan_id=context.scan_id,
            reason=f"Tokens from {issuer} with subject {subject or 'any'} sign in "
            f"as managed identity {name}.",
            evidence=to_json_text(
                [
                    {
                        "kind": "federated_identity_credential",
                        "credential": credential.id,
                        "issuer": issuer,
                        "subject": subject,
                        "audiences": audiences,
                    }
                ]
            ),
        )
