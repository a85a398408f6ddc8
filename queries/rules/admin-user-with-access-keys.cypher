MATCH (u:Identity)
WHERE u.type IN ['user', 'service_account', 'service_principal']
  AND u.is_admin = true
  AND u.active_keys > 0
RETURN u.id AS resource_id, u.name AS resource_name, u.active_keys AS active_keys
