// A role assignment at a management group, or at the tenant root `/`, that
// can write role assignments lets its holder take any role on every
// subscription below it, including subscriptions created later. Owner and
// User Access Administrator are matched by their built-in role ids; any
// other role counts when the analysis derived a role-assignment-write
// escalation from this assignment.
MATCH (ra:Policy)-[:ATTACHED_TO]->(x:Identity)
WHERE ra.cloud = 'azure' AND ra.type = 'role_assignment'
  AND x.type IN ['service_principal', 'managed_identity']
  AND (ra.document CONTAINS '"scope":"/providers/microsoft.management/managementgroups/'
       OR ra.document CONTAINS '"scope":"/"')
  AND (any(role_id IN $privileged_role_ids WHERE ra.document CONTAINS role_id)
       OR EXISTS {
         MATCH (x)-[e:CAN_ESCALATE]->(adm:Identity)
         WHERE adm.type = 'account_admin'
           AND e.technique IN ['azure-owner', 'azure-role-assignment-write']
           AND e.evidence CONTAINS ra.id
       })
RETURN ra.id AS resource_id, ra.name AS resource_name, x.id AS identity_id,
       x.type AS identity_type
