MATCH (d:Resource)
WHERE d.cloud = 'aws'
  AND d.native_type = 'AWS::RDS::DBInstance'
  AND (d.public = true
       OR EXISTS { MATCH (i:Internet)-[:EXPOSED_TO]->(d) })
RETURN d.id AS resource_id, d.name AS resource_name, d.public_ip AS public_ip
