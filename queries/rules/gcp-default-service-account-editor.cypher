// Google-created default service accounts keep the Editor or Owner role they
// were granted at project creation; `attrs` holds the account kind and the
// basic roles the analysis found.
MATCH (x:Identity)
WHERE x.cloud = 'gcp' AND x.type = 'service_account'
  AND (x.attrs CONTAINS '"default_account":"compute_default"'
       OR x.attrs CONTAINS '"default_account":"app_engine_default"')
  AND (x.attrs CONTAINS '"roles/editor"' OR x.attrs CONTAINS '"roles/owner"')
RETURN x.id AS resource_id, x.name AS resource_name, x.account_id AS project_id
