MATCH (x:Identity)
WHERE x.active_keys > 0
  AND x.days_inactive >= $max_days_inactive
RETURN x.id AS resource_id, x.name AS resource_name, x.active_keys AS active_keys,
       x.days_inactive AS days_inactive
