MATCH (ext:Identity)-[a:CAN_ASSUME]->(r:Identity)
WHERE ext.type = 'external_account'
  AND coalesce(a.conditional, false) = false
  AND NOT EXISTS { MATCH (i:Internet)-[:EXPOSED_TO]->(ext) }
RETURN r.id AS resource_id, r.name AS resource_name, ext.id AS trusted_principal,
       ext.account_id AS trusted_account_id
