MATCH (d:Resource)
WHERE d.type IN ['object_storage', 'database', 'data_warehouse', 'search_domain', 'snapshot', 'secret', 'parameter', 'key_vault', 'queue', 'topic']
  AND d.encrypted = false
RETURN d.id AS resource_id, d.name AS resource_name, d.type AS resource_type
