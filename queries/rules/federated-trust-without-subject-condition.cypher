// An edge without any condition, or one whose conditions never name the
// subject claim (only `aud`, for example), admits every token of the provider.
MATCH (f:Identity)-[a:CAN_ASSUME]->(r:Identity)
WHERE f.type = 'federated_provider'
  AND (coalesce(a.conditional, false) = false
       OR NOT toLower(coalesce(a.evidence, '')) CONTAINS 'sub')
RETURN r.id AS resource_id, r.name AS resource_name, f.id AS provider_id,
       coalesce(a.conditional, false) AS conditional
