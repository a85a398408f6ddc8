MATCH (i:Internet)-[e:EXPOSED_TO]->(r:Resource)
WHERE 'all' IN e.ports
   OR '0-65535' IN e.ports
   OR e.protocol = 'all'
RETURN r.id AS resource_id, r.name AS resource_name, e.ports AS ports, e.protocol AS protocol
