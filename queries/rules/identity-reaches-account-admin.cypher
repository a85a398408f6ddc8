MATCH {{trail p = (x:Identity)-[:CAN_ASSUME|CAN_ESCALATE*1..4]->(adm:Identity)}}
WHERE adm.type = 'account_admin'
  AND x.type IN ['user', 'role', 'group', 'service_account', 'managed_identity', 'service_principal']
  AND coalesce(x.is_admin, false) = false
RETURN x.id AS resource_id, x.name AS resource_name, adm.account_id AS admin_account_id,
       p AS path
