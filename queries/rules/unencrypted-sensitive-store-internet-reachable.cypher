MATCH {{trail p = (i:Internet)-[:EXPOSED_TO|RUNS_AS|CAN_ASSUME|CAN_ESCALATE|CAN_ACCESS*1..6]->(d:Resource)}}
WHERE d.encrypted = false
  AND d.sensitivity IN ['medium', 'high', 'critical']
RETURN d.id AS resource_id, d.name AS resource_name, d.sensitivity AS sensitivity, p AS path
