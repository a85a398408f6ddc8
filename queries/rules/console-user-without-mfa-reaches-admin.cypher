MATCH {{trail p = (u:Identity)-[:CAN_ASSUME|CAN_ESCALATE*1..4]->(adm:Identity)}}
WHERE u.type = 'user'
  AND u.console_access = true
  AND u.mfa_enabled = false
  AND adm.type = 'account_admin'
RETURN u.id AS resource_id, u.name AS resource_name, adm.account_id AS admin_account_id,
       p AS path
