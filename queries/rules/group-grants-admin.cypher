MATCH (u:Identity)-[:MEMBER_OF]->(g:Identity)
WHERE g.type = 'group'
  AND g.is_admin = true
WITH g, count(DISTINCT u) AS member_count
RETURN g.id AS resource_id, g.name AS resource_name, member_count AS member_count
