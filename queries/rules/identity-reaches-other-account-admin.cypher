MATCH {{trail p = (x:Identity)-[:CAN_ASSUME|CAN_ESCALATE*1..4]->(adm:Identity)}}
WHERE adm.type = 'account_admin'
  AND x.type IN ['user', 'role', 'group', 'service_account', 'managed_identity', 'service_principal']
  AND x.account_id <> adm.account_id
  // A tenant, organization or folder contains its subscriptions and projects,
  // so its identities reaching their admin is not lateral movement.
  AND NOT EXISTS {
    MATCH (child:Account)-[:IN_ACCOUNT*1..6]->(parent:Account)
    WHERE child.account_id = adm.account_id AND parent.account_id = x.account_id
  }
RETURN x.id AS resource_id, x.name AS resource_name, x.account_id AS source_account_id,
       adm.account_id AS admin_account_id, p AS path
