MATCH (x:Identity)
WHERE x.type IN ['user', 'role', 'service_account', 'managed_identity', 'service_principal']
  AND x.is_admin = true
  AND x.days_inactive IS NOT NULL
  AND x.days_inactive >= $max_days_inactive
RETURN x.id AS resource_id, x.name AS resource_name, x.days_inactive AS days_inactive,
       x.last_used AS last_used
