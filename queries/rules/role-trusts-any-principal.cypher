MATCH p = (i:Internet)-[:EXPOSED_TO]->(ext:Identity)-[a:CAN_ASSUME]->(r:Identity)
WHERE ext.type = 'external_account'
  AND coalesce(a.conditional, false) = false
RETURN r.id AS resource_id, r.name AS resource_name, ext.id AS trusted_principal, p AS path
