"""Parse resources kept as PolicyResource: secrets, KMS keys, queues, topics,
container registries, ECS task definitions and clusters, DynamoDB tables, SSM
parameters and EKS clusters."""

from __future__ import annotations

from typing import Any

from toxicpath.ingest.aws.estate import AwsEstate, PolicyResource
from toxicpath.ingest.aws.parsers.common import (
    ResponseIndex,
    account_of,
    flag,
    items,
    mapping,
    policy_document,
    required_text,
    responses_with_body,
    strings,
    tags_of,
    text,
)
from toxicpath.ingest.snapshot import RawResponse


def parse_services(index: ResponseIndex, estate: AwsEstate) -> None:
    _parse_secrets(index, estate)
    _parse_keys(index, estate)
    _parse_queues(index, estate)
    _parse_topics(index, estate)
    _parse_repositories(index, estate)
    _parse_containers(index, estate)
    _parse_tables(index, estate)
    _parse_parameters(index, estate)
    _parse_kubernetes(index, estate)


def _add(
    estate: AwsEstate,
    response: RawResponse,
    *,
    arn: str,
    name: str,
    kind: str,
) -> PolicyResource:
    """Return the resource at `arn`, creating it on first sight."""
    resource = estate.resources.get(arn)
    if resource is None:
        resource = PolicyResource(
            arn=arn,
            name=name,
            kind=kind,
            account_id=account_of(arn, response.account),
            region=response.region,
        )
        estate.resources[arn] = resource
    return resource


def _by_name(
    estate: AwsEstate, kind: str
) -> dict[tuple[str, str, str], PolicyResource]:
    found: dict[tuple[str, str, str], PolicyResource] = {}
    for resource in estate.resources.values():
        if resource.kind == kind:
            found[(resource.account_id, resource.region, resource.name)] = resource
            found[(resource.account_id, resource.region, resource.arn)] = resource
    return found


def _parse_secrets(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(index, "secretsmanager", "list-secrets"):
        for entry in items(response, body, "SecretList"):
            secret = _add(
                estate,
                response,
                arn=required_text(response, entry, "ARN"),
                name=text(response, entry, "Name"),
                kind="secret",
            )
            # Secrets Manager encrypts every secret, by default with aws/secretsmanager.
            secret.encrypted = True
            secret.kms_key_arn = text(response, entry, "KmsKeyId") or None
            secret.tags = tags_of(response, entry, "Tags")
            secret.attributes["rotation_enabled"] = bool(
                flag(response, entry, "RotationEnabled")
            )
    lookup = _by_name(estate, "secret")
    for response, body in responses_with_body(
        index, "secretsmanager", "get-resource-policy"
    ):
        arn = text(response, body, "ARN")
        found = lookup.get((response.account, response.region, arn)) or lookup.get(
            (response.account, response.region, response.params.get("SecretId", ""))
        )
        if found is None and arn:
            found = _add(
                estate,
                response,
                arn=arn,
                name=text(response, body, "Name"),
                kind="secret",
            )
        if found is not None:
            found.policy = policy_document(
                response, body.get("ResourcePolicy"), "ResourcePolicy"
            )


def _parse_keys(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(index, "kms", "list-keys"):
        for entry in items(response, body, "Keys"):
            _add(
                estate,
                response,
                arn=required_text(response, entry, "KeyArn"),
                name=text(response, entry, "KeyId"),
                kind="kms_key",
            )
    for response, body in responses_with_body(index, "kms", "describe-key"):
        metadata = mapping(response, body, "KeyMetadata")
        if not metadata:
            continue
        key = _add(
            estate,
            response,
            arn=required_text(response, metadata, "Arn"),
            name=text(response, metadata, "KeyId"),
            kind="kms_key",
        )
        for field in ("KeyManager", "KeyState", "KeySpec", "KeyUsage", "Origin"):
            value = text(response, metadata, field)
            if value:
                key.attributes[_snake(field)] = value
    lookup = _by_name(estate, "kms_key")
    for response, body in responses_with_body(index, "kms", "get-key-policy"):
        key_id = response.params.get("KeyId", "")
        found = lookup.get((response.account, response.region, key_id))
        if found is not None:
            found.policy = policy_document(response, body.get("Policy"), "Policy")
    for response, body in responses_with_body(index, "kms", "list-grants"):
        found = lookup.get(
            (response.account, response.region, response.params.get("KeyId", ""))
        )
        if found is None:
            continue
        grants = found.attributes.setdefault("grants", [])
        for grant in items(response, body, "Grants"):
            grants.append(
                {
                    "grant_id": text(response, grant, "GrantId"),
                    "grantee_principal": text(response, grant, "GranteePrincipal"),
                    "retiring_principal": text(response, grant, "RetiringPrincipal"),
                    "operations": strings(response, grant, "Operations"),
                }
            )
    for response, body in responses_with_body(index, "kms", "list-aliases"):
        for alias in items(response, body, "Aliases"):
            target = text(response, alias, "TargetKeyId")
            found = lookup.get((response.account, response.region, target))
            if found is not None:
                aliases = found.attributes.setdefault("aliases", [])
                aliases.append(text(response, alias, "AliasName"))


def _snake(name: str) -> str:
    return "".join(
        f"_{char.lower()}" if char.isupper() and index else char.lower()
        for index, char in enumerate(name)
    )


def _queue_arn(url: str, region: str, account: str) -> str:
    # https://sqs.<region>.amazonaws.com/<account>/<name>; older URLs use
    # queue.amazonaws.com, so the region comes from the response.
    parts = url.rstrip("/").split("/")
    return (
        f"arn:aws:sqs:{region}:{parts[-2] if len(parts) >= 2 else account}:{parts[-1]}"
    )


def _parse_queues(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(index, "sqs", "list-queues"):
        for url in strings(response, body, "QueueUrls"):
            queue = _add(
                estate,
                response,
                arn=_queue_arn(url, response.region, response.account),
                name=url.rstrip("/").rsplit("/", 1)[-1],
                kind="queue",
            )
            queue.attributes["url"] = url
    for response, body in responses_with_body(index, "sqs", "get-queue-attributes"):
        attributes = mapping(response, body, "Attributes")
        url = response.params.get("QueueUrl", "")
        arn = text(response, attributes, "QueueArn") or _queue_arn(
            url, response.region, response.account
        )
        queue = _add(
            estate, response, arn=arn, name=arn.rsplit(":", 1)[-1], kind="queue"
        )
        queue.attributes.setdefault("url", url)
        queue.policy = policy_document(response, attributes.get("Policy"), "Policy")
        kms_key = text(response, attributes, "KmsMasterKeyId")
        queue.kms_key_arn = kms_key or None
        queue.encrypted = bool(kms_key) or flag(
            response, attributes, "SqsManagedSseEnabled"
        )


def _parse_topics(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(index, "sns", "list-topics"):
        for entry in items(response, body, "Topics"):
            arn = required_text(response, entry, "TopicArn")
            _add(estate, response, arn=arn, name=arn.rsplit(":", 1)[-1], kind="topic")
    for response, body in responses_with_body(index, "sns", "get-topic-attributes"):
        attributes = mapping(response, body, "Attributes")
        arn = text(response, attributes, "TopicArn") or response.params.get(
            "TopicArn", ""
        )
        if not arn:
            continue
        topic = _add(
            estate, response, arn=arn, name=arn.rsplit(":", 1)[-1], kind="topic"
        )
        topic.policy = policy_document(response, attributes.get("Policy"), "Policy")
        kms_key = text(response, attributes, "KmsMasterKeyId")
        topic.kms_key_arn = kms_key or None
        topic.encrypted = bool(kms_key)


def _parse_repositories(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(index, "ecr", "describe-repositories"):
        for entry in items(response, body, "repositories"):
            repository = _add(
                estate,
                response,
                arn=required_text(response, entry, "repositoryArn"),
                name=text(response, entry, "repositoryName"),
                kind="container_registry",
            )
            encryption = mapping(response, entry, "encryptionConfiguration")
            repository.encrypted = True  # ECR encrypts every repository (AES256 or KMS)
            repository.kms_key_arn = text(response, encryption, "kmsKey") or None
            repository.attributes["uri"] = text(response, entry, "repositoryUri")
    lookup = _by_name(estate, "container_registry")
    for response, body in responses_with_body(index, "ecr", "get-repository-policy"):
        name = text(response, body, "repositoryName") or response.params.get(
            "repositoryName", ""
        )
        found = lookup.get((response.account, response.region, name))
        if found is None:
            arn = (
                f"arn:aws:ecr:{response.region}:"
                f"{text(response, body, 'registryId') or response.account}"
                f":repository/{name}"
            )
            found = _add(
                estate, response, arn=arn, name=name, kind="container_registry"
            )
        found.policy = policy_document(response, body.get("policyText"), "policyText")


def _parse_containers(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(index, "ecs", "list-clusters"):
        for arn in strings(response, body, "clusterArns"):
            _add(
                estate,
                response,
                arn=arn,
                name=arn.rsplit("/", 1)[-1],
                kind="ecs_cluster",
            )
    for response, body in responses_with_body(index, "ecs", "describe-task-definition"):
        definition = mapping(response, body, "taskDefinition")
        if definition:
            _task_definition(estate, response, definition)
    for response, body in responses_with_body(index, "ecs", "describe-tasks"):
        for task in items(response, body, "tasks"):
            definition_arn = text(response, task, "taskDefinitionArn")
            found = estate.resources.get(definition_arn)
            if found is not None:
                running = found.attributes.setdefault("running_task_arns", [])
                running.append(text(response, task, "taskArn"))


def _task_definition(
    estate: AwsEstate, response: RawResponse, definition: dict[str, Any]
) -> None:
    arn = required_text(response, definition, "taskDefinitionArn")
    resource = _add(
        estate,
        response,
        arn=arn,
        name=text(response, definition, "family") or arn.rsplit("/", 1)[-1],
        kind="task_definition",
    )
    resource.role_arn = text(response, definition, "taskRoleArn") or None
    resource.attributes["execution_role_arn"] = text(
        response, definition, "executionRoleArn"
    )
    resource.attributes["network_mode"] = text(response, definition, "networkMode")
    names: list[str] = []
    for container in items(response, definition, "containerDefinitions"):
        for variable in items(response, container, "environment"):
            names.append(text(response, variable, "name"))
        for secret in items(response, container, "secrets"):
            names.append(text(response, secret, "name"))
    # Names only: the values are removed before a response enters a snapshot.
    resource.attributes["environment_variable_names"] = sorted(set(names))


def _parse_tables(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(index, "dynamodb", "list-tables"):
        for name in strings(response, body, "TableNames"):
            arn = f"arn:aws:dynamodb:{response.region}:{response.account}:table/{name}"
            _add(estate, response, arn=arn, name=name, kind="table")
    for response, body in responses_with_body(index, "dynamodb", "describe-table"):
        table = mapping(response, body, "Table")
        if not table:
            continue
        resource = _add(
            estate,
            response,
            arn=required_text(response, table, "TableArn"),
            name=text(response, table, "TableName"),
            kind="table",
        )
        sse = mapping(response, table, "SSEDescription")
        # DynamoDB encrypts every table; SSEDescription appears only for KMS keys.
        resource.encrypted = True
        resource.kms_key_arn = text(response, sse, "KMSMasterKeyArn") or None
    for response, body in responses_with_body(index, "dynamodb", "get-resource-policy"):
        found = estate.resources.get(response.params.get("ResourceArn", ""))
        if found is not None:
            found.policy = policy_document(response, body.get("Policy"), "Policy")


def _parameter_arn(name: str, region: str, account: str) -> str:
    path = name if name.startswith("/") else f"/{name}"
    return f"arn:aws:ssm:{region}:{account}:parameter{path}"


def _parse_parameters(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(index, "ssm", "describe-parameters"):
        for entry in items(response, body, "Parameters"):
            name = required_text(response, entry, "Name")
            arn = text(response, entry, "ARN") or _parameter_arn(
                name, response.region, response.account
            )
            parameter = _add(estate, response, arn=arn, name=name, kind="parameter")
            parameter_type = text(response, entry, "Type")
            parameter.attributes["type"] = parameter_type
            parameter.encrypted = parameter_type == "SecureString"
            parameter.kms_key_arn = text(response, entry, "KeyId") or None


def _parse_kubernetes(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(index, "eks", "list-clusters"):
        for name in strings(response, body, "clusters"):
            arn = f"arn:aws:eks:{response.region}:{response.account}:cluster/{name}"
            _add(estate, response, arn=arn, name=name, kind="kubernetes_cluster")
    for response, body in responses_with_body(index, "eks", "describe-cluster"):
        cluster = mapping(response, body, "cluster")
        if not cluster:
            continue
        resource = _add(
            estate,
            response,
            arn=required_text(response, cluster, "arn"),
            name=text(response, cluster, "name"),
            kind="kubernetes_cluster",
        )
        resource.role_arn = text(response, cluster, "roleArn") or None
        vpc = mapping(response, cluster, "resourcesVpcConfig")
        public = flag(response, vpc, "endpointPublicAccess")
        resource.public = public
        resource.attributes["endpoint"] = text(response, cluster, "endpoint")
        resource.attributes["public_access_cidrs"] = strings(
            response, vpc, "publicAccessCidrs"
        )
        resource.attributes["vpc_id"] = text(response, vpc, "vpcId")
        resource.attributes["subnet_ids"] = strings(response, vpc, "subnetIds")
        resource.attributes["security_group_ids"] = strings(
            response, vpc, "securityGroupIds"
        )
        resource.attributes["secrets_encryption"] = bool(
            items(response, cluster, "encryptionConfig")
        )
        resource.tags = tags_of(response, cluster, "tags")
