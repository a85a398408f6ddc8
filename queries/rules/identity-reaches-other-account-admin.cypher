MATCH {{trail p = (x:Identity)-[:CAN_ASSUME|CAN_ESCALATE*1..4]->(adm:Identity)}}
WHERE adm.type = 'account_admin'
  AND x.type IN ['user', 'role', 'group', 'service_account', 'managed_identity', 'service_principal']
  AND x.account_id <> adm.account_id
RETURN x.id AS resource_id, x.name AS resource_name, x.account_id AS source_account_id,
       adm.account_id AS admin_account_id, p AS path
