MATCH {{trail p = (i:Internet)-[:EXPOSED_TO]->(c:Resource)-[:RUNS_AS]->(x:Identity)-[:CAN_ASSUME|CAN_ESCALATE*1..5]->(adm:Identity)}}
WHERE c.type IN ['virtual_machine', 'function', 'container_service', 'kubernetes_cluster']
  AND adm.type = 'account_admin'
RETURN c.id AS resource_id, c.name AS resource_name, x.id AS identity_id,
       adm.account_id AS admin_account_id, p AS path
