MATCH (d:Resource)
WHERE d.type IN ['database', 'data_warehouse', 'search_domain']
  AND (d.public = true
       OR EXISTS { MATCH (i:Internet)-[:EXPOSED_TO]->(d) })
RETURN d.id AS resource_id, d.name AS resource_name, d.public_ip AS public_ip
