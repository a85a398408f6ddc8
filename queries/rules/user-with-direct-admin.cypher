MATCH (u:Identity)
WHERE u.type = 'user'
  AND u.is_admin = true
  AND (u.cloud <> 'aws'
       OR EXISTS {
         MATCH (u)-[e:CAN_ESCALATE]->(a:Identity)
         WHERE a.type = 'account_admin'
           AND e.technique = 'aws-admin-policy'
           AND e.evidence CONTAINS '"own_policies_admin":true'
       })
RETURN u.id AS resource_id, u.name AS resource_name,
       coalesce(u.console_access, false) AS console_access
