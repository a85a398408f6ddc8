// Internet -> exposed workload -> its identity -> public bucket, where the
// identity is an administrator or can reach its account's admin.
MATCH p = (i:Internet)-[:EXPOSED_TO]->(c:Resource)-[:RUNS_AS]->(x:Identity)-[a:CAN_ACCESS]->(b:Resource)
WHERE c.type IN ['virtual_machine', 'function', 'container_service', 'kubernetes_cluster']
  AND b.type = 'object_storage'
  AND b.public = true
  AND (x.is_admin = true
       OR EXISTS { MATCH (x)-[:CAN_ASSUME|CAN_ESCALATE*1..4]->(adm:Identity) WHERE adm.type = 'account_admin' })
RETURN b.id AS resource_id, b.name AS resource_name, c.id AS workload_id,
       x.id AS identity_id, a.level AS access_level, p AS path
