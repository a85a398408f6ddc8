MATCH p = (i:Internet)-[:EXPOSED_TO]->(c:Resource)-[:RUNS_AS]->(x:Identity)-[a:CAN_ACCESS]->(d:Resource)
WHERE c.type IN ['virtual_machine', 'function', 'container_service', 'kubernetes_cluster']
  AND d.type IN ['object_storage', 'database', 'data_warehouse']
  AND a.level IN ['write', 'admin']
RETURN d.id AS resource_id, d.name AS resource_name, c.id AS workload_id,
       a.level AS access_level, p AS path
