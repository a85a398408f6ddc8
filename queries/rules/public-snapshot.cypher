MATCH (s:Resource)
WHERE s.type = 'snapshot'
  AND s.public = true
RETURN s.id AS resource_id, s.name AS resource_name
