MATCH p = (i:Internet)-[:EXPOSED_TO]->(x:Identity)-[a:CAN_ACCESS]->(r:Resource)
WHERE a.level IN ['write', 'admin']
  AND coalesce(a.conditional, false) = false
RETURN r.id AS resource_id, r.name AS resource_name, x.id AS principal_id,
       a.level AS access_level, p AS path
