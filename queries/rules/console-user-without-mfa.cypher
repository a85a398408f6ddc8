MATCH (u:Identity)
WHERE u.type = 'user'
  AND u.console_access = true
  AND u.mfa_enabled = false
RETURN u.id AS resource_id, u.name AS resource_name
