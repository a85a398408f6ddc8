MATCH (svc:Identity)-[:CAN_ASSUME]->(r:Identity)
WHERE svc.type = 'service'
  AND (r.is_admin = true
       OR EXISTS { MATCH (r)-[:CAN_ASSUME|CAN_ESCALATE*1..3]->(adm:Identity) WHERE adm.type = 'account_admin' })
MATCH (x:Identity)-[e:CAN_ESCALATE]->(r)
WHERE coalesce(x.is_admin, false) = false
  AND (toLower(coalesce(e.technique, '')) CONTAINS 'pass'
       OR coalesce(e.evidence, '') CONTAINS 'iam:PassRole'
       OR coalesce(e.evidence, '') CONTAINS 'iam.serviceAccounts.actAs')
WITH r, count(DISTINCT x) AS passer_count, collect(DISTINCT x.id) AS passers
WHERE passer_count >= $min_passers
RETURN r.id AS resource_id, r.name AS resource_name, passer_count AS passer_count,
       passers AS passers
