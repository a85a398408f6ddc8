MATCH (x:Identity)
WHERE x.cloud = 'gcp' AND x.type = 'service_account' AND x.active_keys > 0
RETURN x.id AS resource_id, x.name AS resource_name, x.active_keys AS keys
