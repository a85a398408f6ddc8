// NOTE: a port range such as 20-25 matches only when written exactly as
// listed here; ranges that merely include 22 or 3389 are not detected.
MATCH (i:Internet)-[e:EXPOSED_TO]->(r:Resource)
WHERE any(port IN e.ports WHERE port IN ['22', '3389', 'all', '0-65535', '1-65535'])
RETURN r.id AS resource_id, r.name AS resource_name, e.ports AS ports,
       e.cidrs AS cidrs, e.protocol AS protocol
