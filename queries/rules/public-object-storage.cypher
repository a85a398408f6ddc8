MATCH (b:Resource)
WHERE b.type = 'object_storage'
  AND (b.public = true
       OR EXISTS { MATCH (anon:Identity)-[a:CAN_ACCESS]->(b)
                  WHERE anon.type = 'anonymous' AND coalesce(a.conditional, false) = false })
RETURN b.id AS resource_id, b.name AS resource_name, b.sensitivity AS sensitivity
