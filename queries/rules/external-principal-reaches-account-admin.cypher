MATCH {{trail p = (i:Internet)-[:EXPOSED_TO]->(x:Identity)-[:CAN_ASSUME|CAN_ESCALATE*1..5]->(adm:Identity)}}
WHERE adm.type = 'account_admin'
RETURN adm.id AS resource_id, adm.name AS resource_name, x.id AS entry_identity_id, p AS path
