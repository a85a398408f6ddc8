MATCH (u:Identity)
WHERE u.type = 'user'
  AND u.is_admin = true
RETURN u.id AS resource_id, u.name AS resource_name,
       coalesce(u.console_access, false) AS console_access
