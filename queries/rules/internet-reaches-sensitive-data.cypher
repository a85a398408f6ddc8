// NOTE: on AWS an account's admin has no CAN_ACCESS edges of its own, so a
// path that reaches data only through account admin is not matched here;
// the rules tagged path-to-admin report it.
MATCH {{trail p = (i:Internet)-[:EXPOSED_TO|RUNS_AS|CAN_ASSUME|CAN_ESCALATE|CAN_ACCESS*1..6]->(d:Resource)}}
WHERE d.sensitivity IN ['high', 'critical']
RETURN d.id AS resource_id, d.name AS resource_name, d.sensitivity AS sensitivity,
       length(p) AS hops, p AS path
