// In access-policy mode, write access to the vault resource includes its
// access policies, so a management-plane role such as Key Vault Contributor
// can grant itself every secret, key and certificate permission. The
// analysis adds no such edge for an unconditional admin of the vault's
// subscription, whose reach the path-to-admin rules report.
MATCH (x:Identity)-[a:CAN_ACCESS]->(v:Resource)
WHERE v.cloud = 'azure' AND v.type = 'key_vault'
  AND NOT coalesce(v.attrs, '') CONTAINS '"enableRbacAuthorization":true'
  AND x.type <> 'account_admin'
  AND any(action IN a.actions
          WHERE toLower(action) IN ['microsoft.keyvault/vaults/write', 'microsoft.keyvault/vaults/accesspolicies/write'])
WITH v, count(DISTINCT x) AS identity_count, collect(DISTINCT x.id) AS identity_ids
RETURN v.id AS resource_id, v.name AS resource_name, identity_count AS identity_count,
       identity_ids AS identity_ids
