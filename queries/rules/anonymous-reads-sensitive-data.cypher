MATCH p = (i:Internet)-[:EXPOSED_TO]->(anon:Identity)-[a:CAN_ACCESS]->(d:Resource)
WHERE anon.type = 'anonymous'
  AND coalesce(a.conditional, false) = false
  AND d.sensitivity IN ['high', 'critical']
RETURN d.id AS resource_id, d.name AS resource_name, a.level AS access_level, p AS path
