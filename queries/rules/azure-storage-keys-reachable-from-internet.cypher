// listKeys returns the storage account's shared keys, and a shared key
// authorizes every blob, file, queue and table request on the account
// without Entra ID, RBAC conditions or per-identity audit. The analysis adds
// this edge only when shared key access is not disabled; the attrs check
// repeats that fact so other producers of the edge are held to it.
MATCH {{trail p = (i:Internet)-[:EXPOSED_TO|RUNS_AS|CAN_ASSUME|CAN_ESCALATE*1..5]->(x:Identity)-[a:CAN_ACCESS]->(s:Resource)}}
WHERE s.cloud = 'azure' AND s.type = 'object_storage'
  AND any(action IN a.actions WHERE toLower(action) = 'microsoft.storage/storageaccounts/listkeys/action')
  AND NOT coalesce(s.attrs, '') CONTAINS '"allowSharedKeyAccess":false'
RETURN s.id AS resource_id, s.name AS resource_name, x.id AS identity_id,
       coalesce(a.conditional, false) AS conditional, p AS path
