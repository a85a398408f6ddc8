MATCH (d:Resource)
WHERE d.cloud = 'aws'
  AND d.native_type = 'AWS::RDS::DBInstance'
  AND d.encrypted = false
RETURN d.id AS resource_id, d.name AS resource_name
