MATCH (a:Account)
WHERE a.type = 'aws_account'
  AND a.attrs CONTAINS '"root_access_keys_active":true'
RETURN a.id AS resource_id, a.name AS resource_name, a.account_id AS account_id
