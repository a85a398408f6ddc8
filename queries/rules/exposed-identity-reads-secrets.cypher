MATCH {{trail p = (i:Internet)-[:EXPOSED_TO|RUNS_AS|CAN_ASSUME|CAN_ESCALATE*1..5]->(x:Identity)-[a:CAN_ACCESS]->(s:Resource)}}
WHERE s.type IN ['secret', 'kms_key', 'parameter', 'key_vault']
RETURN s.id AS resource_id, s.name AS resource_name, x.id AS identity_id,
       a.level AS access_level, p AS path
