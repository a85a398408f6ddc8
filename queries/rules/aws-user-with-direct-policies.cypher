MATCH (u:Identity)
WHERE u.cloud = 'aws'
  AND u.type = 'user'
  AND EXISTS {
    MATCH (p:Policy)-[e:ATTACHED_TO]->(u)
    WHERE e.attachment IN ['managed', 'inline']
  }
RETURN u.id AS resource_id, u.name AS resource_name
