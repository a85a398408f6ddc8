// The port list decides: `protocol` is `all` on AWS edges whenever more than
// one protocol is open, even if only a few ports are.
MATCH (i:Internet)-[e:EXPOSED_TO]->(r:Resource)
WHERE 'all' IN e.ports
   OR '0-65535' IN e.ports
   OR '1-65535' IN e.ports
RETURN r.id AS resource_id, r.name AS resource_name, e.ports AS ports, e.protocol AS protocol
