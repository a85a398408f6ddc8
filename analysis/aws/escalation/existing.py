"""Escalation through existing compute that already runs as a role: change
its code or configuration, or open a shell on it, and act as that role.

These techniques fire only for a victim resource present in the snapshot,
and the edge points at the role the victim runs as. Resource kinds read
from `AwsEstate.resources`: `glue_dev_endpoint`, `ecs_task`,
`codebuild_project`, `cloudformation_stack`, `sagemaker_notebook`,
`launch_template`, `apprunner_service` and `bedrock_code_interpreter`, each
with `role_arn` set to the role it runs as (or an instance profile ARN).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from toxicpath.analysis.aws.escalation.catalog import (
    IAM_VULNERABLE,
    RESOURCE_ROLE,
    RHINO,
    Checker,
    Escalation,
    Technique,
    pathfinding,
    register,
)
from toxicpath.analysis.aws.escalation.checks import (
    Requirement,
    finding,
    new,
    on,
    satisfied,
)
from toxicpath.analysis.aws.escalation.context import EstateView, PrincipalView


@dataclass(frozen=True)
class Victim:
    """Existing compute with the roles it runs as."""

    arn: str
    name: str
    what: str
    region: str
    role_arns: tuple[str, ...]


VictimSource = Callable[[EstateView, str], list[Victim]]


def _functions(view: EstateView, account_id: str) -> list[Victim]:
    return [
        Victim(f.arn, f.name, "Lambda function", f.region, (f.role_arn,))
        for f in view.estate.functions.values()
        if f.account_id == account_id and f.role_arn
    ]


def _instances(view: EstateView, account_id: str) -> list[Victim]:
    victims = []
    for instance in view.estate.instances.values():
        if instance.account_id != account_id or not instance.instance_profile_arn:
            continue
        if instance.state in ("terminated", "shutting-down"):
            continue
        roles = view.roles_of_profile(instance.instance_profile_arn)
        if roles:
            victims.append(
                Victim(
                    instance.arn,
                    instance.name or instance.id,
                    "EC2 instance",
                    instance.region,
                    tuple(roles),
                )
            )
    return victims


def _resources(kind: str, what: str) -> VictimSource:
    def source(view: EstateView, account_id: str) -> list[Victim]:
        victims = []
        for resource in view.resources_of_kind(account_id, kind):
            if not resource.role_arn:
                continue
            roles = view.roles_of_profile(resource.role_arn)
            if roles:
                victims.append(
                    Victim(
                        resource.arn, resource.name, what, resource.region, tuple(roles)
                    )
                )
        return victims

    return source


@dataclass(frozen=True)
class ExistingSpec:
    id: str
    title: str
    victims: VictimSource
    actions: tuple[str, ...]  # on the victim resource
    doing: str  # completes "can ... <victim>"
    aliases: tuple[str, ...]
    references: tuple[str, ...] = ()
    created: tuple[str, ...] = ()  # create actions the attacker also needs
    extra_resources: Callable[[Victim], list[Requirement]] | None = None
    notes: tuple[str, ...] = ()


def _ssm_document(victim: Victim) -> list[Requirement]:
    region = victim.region or "*"
    return [on("ssm:SendCommand", f"arn:aws:ssm:{region}::document/AWS-RunShellScript")]


SPECS = (
    ExistingSpec(
        "aws-lambda-update-function-code",
        "Replace an existing Lambda's code",
        _functions,
        ("lambda:UpdateFunctionCode",),
        "replace the code of",
        ("lambda-003", "rhino-17"),
        (RHINO, IAM_VULNERABLE),
        notes=("the new code runs at the function's next invocation",),
    ),
    ExistingSpec(
        "aws-lambda-update-code-invoke",
        "Replace an existing Lambda's code and invoke it",
        _functions,
        ("lambda:UpdateFunctionCode", "lambda:InvokeFunction"),
        "replace the code of and invoke",
        ("lambda-004",),
    ),
    ExistingSpec(
        "aws-lambda-update-code-add-permission",
        "Replace an existing Lambda's code and grant oneself invoke",
        _functions,
        ("lambda:UpdateFunctionCode", "lambda:AddPermission"),
        "replace the code of and allow itself to invoke",
        ("lambda-005",),
    ),
    ExistingSpec(
        "aws-lambda-update-function-configuration",
        "Add a malicious layer to an existing Lambda",
        _functions,
        ("lambda:UpdateFunctionConfiguration",),
        "add a layer that overrides a library of",
        ("rhino-lambda-layer",),
        (RHINO,),
        notes=("the layer runs at the function's next invocation",),
    ),
    ExistingSpec(
        "aws-glue-update-dev-endpoint",
        "Add an SSH key to an existing Glue dev endpoint",
        _resources("glue_dev_endpoint", "Glue dev endpoint"),
        ("glue:UpdateDevEndpoint",),
        "add its SSH key to",
        ("glue-002", "rhino-19"),
        (RHINO, IAM_VULNERABLE),
    ),
    ExistingSpec(
        "aws-ec2-modify-user-data",
        "Change an instance's user data and restart it",
        _instances,
        ("ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"),
        "change the user data of and restart",
        ("ec2-002",),
    ),
    ExistingSpec(
        "aws-ec2-launch-template",
        "Publish a new default version of a launch template",
        _resources("launch_template", "launch template"),
        ("ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"),
        "publish a new default version with its own user data of",
        ("ec2-004",),
        notes=("instances launched from the template run the new user data",),
    ),
    ExistingSpec(
        "aws-ec2-instance-connect",
        "Push an SSH key with EC2 Instance Connect",
        _instances,
        ("ec2-instance-connect:SendSSHPublicKey",),
        "push an SSH key to",
        ("ec2instanceconnect-003",),
        notes=("needs network access to the instance's SSH port",),
    ),
    ExistingSpec(
        "aws-ssm-start-session",
        "Open an SSM session on an instance",
        _instances,
        ("ssm:StartSession",),
        "open a shell on",
        ("ssm-001",),
        (IAM_VULNERABLE,),
        notes=("needs the SSM agent registered on the instance",),
    ),
    ExistingSpec(
        "aws-ssm-send-command",
        "Run a command on an instance with SSM",
        _instances,
        ("ssm:SendCommand",),
        "run commands on",
        ("ssm-002",),
        (IAM_VULNERABLE,),
        extra_resources=_ssm_document,
        notes=("needs the SSM agent registered on the instance",),
    ),
    ExistingSpec(
        "aws-ecs-execute-command",
        "Open a shell in a running ECS task",
        _resources("ecs_task", "ECS task"),
        ("ecs:ExecuteCommand", "ecs:DescribeTasks"),
        "open a shell in",
        ("ecs-006",),
    ),
    ExistingSpec(
        "aws-codebuild-start-build",
        "Start a build of an existing CodeBuild project with a new buildspec",
        _resources("codebuild_project", "CodeBuild project"),
        ("codebuild:StartBuild",),
        "run a build with its own buildspec in",
        ("codebuild-002",),
    ),
    ExistingSpec(
        "aws-codebuild-start-build-batch",
        "Start a batch build of an existing CodeBuild project",
        _resources("codebuild_project", "CodeBuild project"),
        ("codebuild:StartBuildBatch",),
        "run a batch build with its own buildspec in",
        ("codebuild-003",),
    ),
    ExistingSpec(
        "aws-cloudformation-update-stack",
        "Update an existing stack that has a service role",
        _resources("cloudformation_stack", "CloudFormation stack"),
        ("cloudformation:UpdateStack",),
        "deploy its own template to",
        ("cloudformation-002",),
    ),
    ExistingSpec(
        "aws-cloudformation-change-set",
        "Create and execute a change set on an existing stack",
        _resources("cloudformation_stack", "CloudFormation stack"),
        ("cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"),
        "run a change set with its own template on",
        ("cloudformation-005",),
    ),
    ExistingSpec(
        "aws-sagemaker-presigned-notebook-url",
        "Open an existing SageMaker notebook through a presigned URL",
        _resources("sagemaker_notebook", "SageMaker notebook"),
        ("sagemaker:CreatePresignedNotebookInstanceUrl",),
        "open",
        ("sagemaker-004",),
        (RHINO,),
    ),
    ExistingSpec(
        "aws-sagemaker-lifecycle-config",
        "Attach a new lifecycle script to an existing SageMaker notebook",
        _resources("sagemaker_notebook", "SageMaker notebook"),
        (
            "sagemaker:StopNotebookInstance",
            "sagemaker:UpdateNotebookInstance",
            "sagemaker:StartNotebookInstance",
        ),
        "attach its own start-up script to",
        ("sagemaker-005",),
        created=("sagemaker:CreateNotebookInstanceLifecycleConfig",),
    ),
    ExistingSpec(
        "aws-apprunner-update-service",
        "Deploy new code to an existing App Runner service",
        _resources("apprunner_service", "App Runner service"),
        ("apprunner:UpdateService",),
        "deploy its own code to",
        ("apprunner-002",),
    ),
    ExistingSpec(
        "aws-bedrock-existing-code-interpreter",
        "Run code in an existing Bedrock AgentCore code interpreter",
        _resources("bedrock_code_interpreter", "code interpreter"),
        (
            "bedrock-agentcore:StartCodeInterpreterSession",
            "bedrock-agentcore:InvokeCodeInterpreter",
        ),
        "run code in",
        ("bedrock-002",),
    ),
)


def _existing_checker(spec: ExistingSpec) -> Checker:
    def check(view: EstateView, principal: PrincipalView) -> Iterator[Escalation]:
        if not view.may_allow_all(principal, (*spec.actions, *spec.created)):
            return
        for victim in spec.victims(view, principal.account_id):
            requirements = [on(action, victim.arn) for action in spec.actions]
            requirements.extend(new(action) for action in spec.created)
            if spec.extra_resources is not None:
                requirements.extend(spec.extra_resources(victim))
            met = satisfied(view, principal, requirements)
            if met is None:
                continue
            steps, conditional = met
            for role_arn in victim.role_arns:
                role_name = role_arn.rsplit("/", 1)[-1]
                yield finding(
                    target=role_arn,
                    steps=steps,
                    conditional=conditional,
                    victim=victim.arn,
                    notes=spec.notes,
                    reason=(
                        f"can {spec.doing} "
                        f"{victim.what} {victim.name}, which runs as role "
                        f"{role_name}, and so act as that role."
                    ),
                )

    return check


for _spec in SPECS:
    register(
        Technique(
            id=_spec.id,
            title=_spec.title,
            required_actions=(*_spec.actions, *_spec.created),
            target_kind=RESOURCE_ROLE,
            needs_victim=True,
            references=(
                *(pathfinding(a) for a in _spec.aliases if not a.startswith("rhino")),
                *_spec.references,
            ),
            checker=_existing_checker(_spec),
            aliases=_spec.aliases,
        )
    )
