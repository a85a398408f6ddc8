// Only an explicit `allowBlobPublicAccess: true` counts: the attribute is
// missing both when the API left it null (allowed on older accounts) and
// when the input did not include account properties, and the two cannot be
// told apart. Accounts with a public container are already public and
// reported by public-object-storage.
MATCH (s:Resource)
WHERE s.cloud = 'azure' AND s.type = 'object_storage'
  AND coalesce(s.attrs, '') CONTAINS '"allowBlobPublicAccess":true'
  AND coalesce(s.public, false) = false
RETURN s.id AS resource_id, s.name AS resource_name, s.sensitivity AS sensitivity
