MATCH (i:Internet)-[:EXPOSED_TO]->(x:Identity)-[a:CAN_ACCESS]->(r:Resource)
WHERE x.type IN ['anonymous', 'external_account']
  AND a.conditional = true
RETURN r.id AS resource_id, r.name AS resource_name, x.id AS principal_id,
       a.level AS access_level, a.evidence AS conditions
