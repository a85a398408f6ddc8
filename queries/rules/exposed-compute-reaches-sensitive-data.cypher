// NOTE: on AWS an account's admin has no CAN_ACCESS edges of its own, so a
// path that reaches data only through account admin is not matched here;
// the rules tagged path-to-admin report it.
MATCH {{trail p = (i:Internet)-[:EXPOSED_TO]->(c:Resource)-[:RUNS_AS]->(x:Identity)-[:CAN_ASSUME|CAN_ESCALATE*0..4]->(y:Identity)-[a:CAN_ACCESS]->(d:Resource)}}
WHERE c.type IN ['virtual_machine', 'function', 'container_service', 'kubernetes_cluster']
  AND d.sensitivity IN ['high', 'critical']
RETURN d.id AS resource_id, d.name AS resource_name, c.id AS workload_id,
       y.id AS identity_id, a.level AS access_level, d.sensitivity AS sensitivity, p AS path
