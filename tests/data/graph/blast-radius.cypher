// Everything an identity reaches in up to four attack steps, with the
// shortest route to each resource.
MATCH (start:Identity {id: $identity_id})
MATCH (target:Resource)
MATCH {{shortest_path p = (start)-[:CAN_ASSUME|CAN_ESCALATE|MEMBER_OF|CAN_ACCESS*1..4]->(target)}}
WHERE all(r IN relationships(p) WHERE coalesce(r.conditional, false) = false)
RETURN target.id AS resource_id, {{label target}} AS label,
       {{to_string length(p)}} AS hops, p AS path
ORDER BY hops, resource_id
LIMIT $limit
