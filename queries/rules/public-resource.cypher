// Types with their own public-* rule are left to that rule.
MATCH (r:Resource)
WHERE NOT r.type IN ['object_storage', 'secret', 'kms_key', 'parameter', 'key_vault',
                     'snapshot', 'database']
  AND (r.public = true
       OR EXISTS { MATCH (i:Internet)-[:EXPOSED_TO]->(x:Identity)-[a:CAN_ACCESS]->(r)
                  WHERE x.type IN ['anonymous', 'external_account']
                    AND coalesce(a.conditional, false) = false })
  AND NOT EXISTS { MATCH (x:Identity)-[w:CAN_ACCESS]->(r)
                   WHERE x.type IN ['anonymous', 'external_account']
                     AND w.level IN ['write', 'admin']
                     AND coalesce(w.conditional, false) = false }
RETURN r.id AS resource_id, r.name AS resource_name, r.type AS resource_type
