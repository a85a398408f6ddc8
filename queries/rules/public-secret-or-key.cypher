MATCH (s:Resource)
WHERE s.type IN ['secret', 'kms_key', 'parameter', 'key_vault']
  AND (s.public = true
       OR EXISTS { MATCH (i:Internet)-[:EXPOSED_TO]->(anon:Identity)-[a:CAN_ACCESS]->(s)
                  WHERE coalesce(a.conditional, false) = false })
RETURN s.id AS resource_id, s.name AS resource_name, s.type AS resource_type
