// An internet-reachable VM whose service account holds Editor or Owner: a
// foothold on the VM reads that account's token from the metadata server.
MATCH {{trail p = (i:Internet)-[:EXPOSED_TO]->(c:Resource)-[:RUNS_AS*1..1]->(x:Identity)}}
WHERE c.cloud = 'gcp' AND c.type = 'virtual_machine'
  AND (x.attrs CONTAINS '"roles/editor"' OR x.attrs CONTAINS '"roles/owner"')
RETURN c.id AS resource_id, c.name AS resource_name, x.id AS identity_id, p AS path
