"""Escalation by passing an existing role to new compute the attacker controls.

Each technique needs `iam:PassRole` on the role (with `iam:PassedToService`
set to the service) and the service's create or run actions. A role counts
only when its trust policy lets the service assume it, because AWS rejects a
role the service cannot assume. The edge points at the passed role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from toxicpath.analysis.aws.escalation.catalog import (
    IAM_VULNERABLE,
    PASSED_ROLE,
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
    satisfied_per_member,
)
from toxicpath.analysis.aws.escalation.context import EstateView, PrincipalView
from toxicpath.ingest.aws.estate import Principal

Precondition = Callable[
    [EstateView, PrincipalView], tuple[list[Requirement], str] | None
]


@dataclass(frozen=True)
class PassRoleSpec:
    id: str
    title: str
    service: str
    actions: tuple[str, ...]
    doing: str  # completes "can pass role R to ..."
    aliases: tuple[str, ...]
    references: tuple[str, ...] = ()
    # Extra requirements that depend on the estate (an existing cluster, job,
    # instance profile); None means the technique cannot run here.
    precondition: Precondition | None = None
    # Actions the precondition needs on an existing resource.
    existing_actions: tuple[str, ...] = ()


def _existing(kind: str, what: str, action: str | None = None) -> Precondition:
    """Require a resource of `kind` in the principal's account (and `action` on it)."""

    def check(
        view: EstateView, principal: PrincipalView
    ) -> tuple[list[Requirement], str] | None:
        for resource in view.resources_of_kind(principal.account_id, kind):
            if action is None:
                return [], f"uses existing {what} {resource.name}"
            met = satisfied(view, principal, [on(action, resource.arn)])
            if met is not None:
                return [
                    on(action, resource.arn)
                ], f"uses existing {what} {resource.name}"
        return None

    return check


def _stream_source(
    view: EstateView, principal: PrincipalView
) -> tuple[list[Requirement], str] | None:
    tables = view.resources_of_kind(principal.account_id, "table")
    if any(
        t.attributes.get("stream_arn") or t.attributes.get("StreamArn") for t in tables
    ):
        return [], "triggers from an existing DynamoDB stream"
    if satisfied(
        view, principal, [new("dynamodb:CreateTable"), new("dynamodb:PutItem")]
    ):
        return (
            [new("dynamodb:CreateTable"), new("dynamodb:PutItem")],
            "creates a DynamoDB table with a stream to trigger it",
        )
    return None


SPECS = (
    PassRoleSpec(
        "aws-ec2-run-instances",
        "Pass a role to a new EC2 instance",
        "ec2.amazonaws.com",
        ("ec2:RunInstances",),
        "a new EC2 instance and read its credentials from the instance",
        ("ec2-001", "rhino-3", "CreateEC2WithExistingIP"),
        (RHINO, IAM_VULNERABLE),
    ),
    PassRoleSpec(
        "aws-ec2-request-spot-instances",
        "Pass a role to a new spot instance",
        "ec2.amazonaws.com",
        ("ec2:RequestSpotInstances",),
        "a new spot instance and read its credentials from the instance",
        ("ec2-003",),
    ),
    PassRoleSpec(
        "aws-lambda-create-invoke",
        "Pass a role to a new Lambda and invoke it",
        "lambda.amazonaws.com",
        ("lambda:CreateFunction", "lambda:InvokeFunction"),
        "a new Lambda function and invoke it",
        ("lambda-001", "rhino-15"),
        (RHINO, IAM_VULNERABLE),
    ),
    PassRoleSpec(
        "aws-lambda-create-event-source",
        "Pass a role to a new Lambda triggered by an event source",
        "lambda.amazonaws.com",
        ("lambda:CreateFunction", "lambda:CreateEventSourceMapping"),
        "a new Lambda function triggered by a DynamoDB stream",
        ("lambda-002", "rhino-16"),
        (RHINO, IAM_VULNERABLE),
        _stream_source,
    ),
    PassRoleSpec(
        "aws-lambda-create-add-permission",
        "Pass a role to a new Lambda and allow oneself to invoke it",
        "lambda.amazonaws.com",
        ("lambda:CreateFunction", "lambda:AddPermission"),
        "a new Lambda function whose resource policy lets the attacker invoke it",
        ("lambda-006",),
    ),
    PassRoleSpec(
        "aws-glue-create-dev-endpoint",
        "Pass a role to a new Glue dev endpoint",
        "glue.amazonaws.com",
        ("glue:CreateDevEndpoint",),
        "a new Glue development endpoint and log in to it over SSH",
        ("glue-001", "rhino-18"),
        (RHINO, IAM_VULNERABLE),
    ),
    PassRoleSpec(
        "aws-glue-create-job-run",
        "Pass a role to a new Glue job and run it",
        "glue.amazonaws.com",
        ("glue:CreateJob", "glue:StartJobRun"),
        "a new Glue job and start it",
        ("glue-003",),
    ),
    PassRoleSpec(
        "aws-glue-create-job-trigger",
        "Pass a role to a new Glue job started by a trigger",
        "glue.amazonaws.com",
        ("glue:CreateJob", "glue:CreateTrigger"),
        "a new Glue job started by a new trigger",
        ("glue-004",),
    ),
    PassRoleSpec(
        "aws-glue-update-job-run",
        "Pass a role to an existing Glue job and run it",
        "glue.amazonaws.com",
        ("glue:StartJobRun",),
        "an existing Glue job with new code and start it",
        ("glue-005",),
        (),
        _existing("glue_job", "Glue job", "glue:UpdateJob"),
        ("glue:UpdateJob",),
    ),
    PassRoleSpec(
        "aws-glue-update-job-trigger",
        "Pass a role to an existing Glue job started by a trigger",
        "glue.amazonaws.com",
        ("glue:CreateTrigger",),
        "an existing Glue job with new code started by a new trigger",
        ("glue-006",),
        (),
        _existing("glue_job", "Glue job", "glue:UpdateJob"),
        ("glue:UpdateJob",),
    ),
    PassRoleSpec(
        "aws-cloudformation-create-stack",
        "Pass a role to a new CloudFormation stack",
        "cloudformation.amazonaws.com",
        ("cloudformation:CreateStack",),
        "a new CloudFormation stack that creates what the attacker wants",
        ("cloudformation-001", "rhino-20"),
        (RHINO, IAM_VULNERABLE),
    ),
    PassRoleSpec(
        "aws-cloudformation-create-stack-set",
        "Pass a role to a new CloudFormation stack set",
        "cloudformation.amazonaws.com",
        ("cloudformation:CreateStackSet", "cloudformation:CreateStackInstances"),
        "a new CloudFormation stack set and deploy its instances",
        ("cloudformation-003",),
    ),
    PassRoleSpec(
        "aws-cloudformation-update-stack-set",
        "Pass a role to an existing CloudFormation stack set",
        "cloudformation.amazonaws.com",
        (),
        "an existing CloudFormation stack set with a new template",
        ("cloudformation-004",),
        (),
        _existing("stack_set", "stack set", "cloudformation:UpdateStackSet"),
        ("cloudformation:UpdateStackSet",),
    ),
    PassRoleSpec(
        "aws-datapipeline-create",
        "Pass a role to a new Data Pipeline and activate it",
        "datapipeline.amazonaws.com",
        (
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
            "datapipeline:ActivatePipeline",
        ),
        "a new Data Pipeline that runs the attacker's commands",
        ("datapipeline-001", "rhino-21"),
        (RHINO, IAM_VULNERABLE),
    ),
    PassRoleSpec(
        "aws-codebuild-create-start",
        "Pass a role to a new CodeBuild project and start a build",
        "codebuild.amazonaws.com",
        ("codebuild:CreateProject", "codebuild:StartBuild"),
        "a new CodeBuild project and run a build",
        ("codebuild-001",),
        (IAM_VULNERABLE,),
    ),
    PassRoleSpec(
        "aws-codebuild-create-start-batch",
        "Pass a role to a new CodeBuild project and start a batch build",
        "codebuild.amazonaws.com",
        ("codebuild:CreateProject", "codebuild:StartBuildBatch"),
        "a new CodeBuild project and run a batch build",
        ("codebuild-004",),
    ),
    PassRoleSpec(
        "aws-sagemaker-create-notebook",
        "Pass a role to a new SageMaker notebook instance",
        "sagemaker.amazonaws.com",
        (
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreatePresignedNotebookInstanceUrl",
        ),
        "a new SageMaker notebook instance and open it",
        ("sagemaker-001",),
        (RHINO, IAM_VULNERABLE),
    ),
    PassRoleSpec(
        "aws-sagemaker-create-training-job",
        "Pass a role to a new SageMaker training job",
        "sagemaker.amazonaws.com",
        ("sagemaker:CreateTrainingJob",),
        "a new SageMaker training job that runs the attacker's container",
        ("sagemaker-002",),
        (IAM_VULNERABLE,),
    ),
    PassRoleSpec(
        "aws-sagemaker-create-processing-job",
        "Pass a role to a new SageMaker processing job",
        "sagemaker.amazonaws.com",
        ("sagemaker:CreateProcessingJob",),
        "a new SageMaker processing job that runs the attacker's container",
        ("sagemaker-003",),
        (IAM_VULNERABLE,),
    ),
    PassRoleSpec(
        "aws-ecs-create-cluster-service",
        "Pass a role to a task of a new ECS cluster's service",
        "ecs-tasks.amazonaws.com",
        ("ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:CreateService"),
        "a new ECS task definition run as a service on a new cluster",
        ("ecs-001",),
    ),
    PassRoleSpec(
        "aws-ecs-create-cluster-run-task",
        "Pass a role to a task run on a new ECS cluster",
        "ecs-tasks.amazonaws.com",
        ("ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:RunTask"),
        "a new ECS task definition run on a new cluster",
        ("ecs-002",),
    ),
    PassRoleSpec(
        "aws-ecs-create-service",
        "Pass a role to a new ECS service on an existing cluster",
        "ecs-tasks.amazonaws.com",
        ("ecs:RegisterTaskDefinition", "ecs:CreateService"),
        "a new ECS task definition run as a service",
        ("ecs-003",),
        (),
        _existing("ecs_cluster", "ECS cluster"),
    ),
    PassRoleSpec(
        "aws-ecs-run-task",
        "Pass a role to a task run on an existing ECS cluster",
        "ecs-tasks.amazonaws.com",
        ("ecs:RegisterTaskDefinition", "ecs:RunTask"),
        "a new ECS task definition and run it",
        ("ecs-004",),
        (),
        _existing("ecs_cluster", "ECS cluster"),
    ),
    PassRoleSpec(
        "aws-ecs-start-task",
        "Pass a role to a task started on an existing container instance",
        "ecs-tasks.amazonaws.com",
        ("ecs:RegisterTaskDefinition", "ecs:StartTask"),
        "a new ECS task definition started on a container instance",
        ("ecs-005",),
        (),
        _existing("ecs_cluster", "ECS cluster"),
    ),
    PassRoleSpec(
        "aws-apprunner-create-service",
        "Pass a role to a new App Runner service",
        "tasks.apprunner.amazonaws.com",
        ("apprunner:CreateService",),
        "a new App Runner service that runs the attacker's code",
        ("apprunner-001",),
    ),
    PassRoleSpec(
        "aws-bedrock-create-code-interpreter",
        "Pass a role to a new Bedrock AgentCore code interpreter",
        "bedrock-agentcore.amazonaws.com",
        (
            "bedrock-agentcore:CreateCodeInterpreter",
            "bedrock-agentcore:StartCodeInterpreterSession",
            "bedrock-agentcore:InvokeCodeInterpreter",
        ),
        "a new code interpreter and run code in a session",
        ("bedrock-001",),
    ),
    PassRoleSpec(
        "aws-codestar-create-project",
        "Pass a role to a new CodeStar project",
        "codestar.amazonaws.com",
        ("codestar:CreateProject",),
        "a new CodeStar project whose template creates what the attacker wants",
        ("rhino-codestar-createproject",),
        (RHINO,),
    ),
)


def _role_ready(
    view: EstateView, principal: PrincipalView, role_arn: str
) -> tuple[list[Requirement], str] | None:
    """EC2 launches take an instance profile: require one holding the role, or
    the rights to create one."""
    profiles = view.instance_profiles_of(role_arn)
    if profiles:
        return [], f"through instance profile {profiles[0]}"
    needed = [new("iam:CreateInstanceProfile"), new("iam:AddRoleToInstanceProfile")]
    if satisfied(view, principal, needed) is None:
        return None
    return needed, "through an instance profile the attacker creates"


def _passrole_checker(spec: PassRoleSpec) -> Checker:
    def check(view: EstateView, principal: PrincipalView) -> Iterator[Escalation]:
        needed = ("iam:PassRole", *spec.actions, *spec.existing_actions)
        if not view.may_allow_all(principal, needed):
            return
        roles = view.roles_trusting_service(principal.account_id, spec.service)
        if not roles:
            return
        base = [new(action) for action in spec.actions]
        setup: tuple[list[Requirement], str] = ([], "")
        if spec.precondition is not None:
            found = spec.precondition(view, principal)
            if found is None:
                return
            setup = found
        # Roles are decided together when they need the same set-up steps
        # (an instance profile to create, or none).
        ready_roles: dict[bool, list[Principal]] = {False: roles}
        profile_setup: dict[str, tuple[list[Requirement], str]] = {}
        if spec.service == "ec2.amazonaws.com":
            ready_roles = {}
            for role in roles:
                ready = _role_ready(view, principal, role.arn)
                if ready is not None:
                    profile_setup[role.arn] = ready
                    ready_roles.setdefault(bool(ready[0]), []).append(role)
        for members in ready_roles.values():
            fixed = [*base, *setup[0], *profile_setup.get(members[0].arn, _NO_SETUP)[0]]
            for role, steps, conditional in satisfied_per_member(
                view, principal, members, partial(_passing, spec, fixed)
            ):
                role_note = profile_setup.get(role.arn, _NO_SETUP)[1]
                notes = [n for n in (setup[1], role_note) if n]
                yield finding(
                    target=role.arn,
                    steps=steps,
                    conditional=conditional,
                    victim=role.arn,
                    notes=notes,
                    reason=(
                        f"can pass role {role.name} to "
                        f"{spec.doing}, and so act as role {role.name}."
                    ),
                )

    return check


_NO_SETUP: tuple[list[Requirement], str] = ([], "")


def _passing(
    spec: PassRoleSpec, fixed: list[Requirement], role: Principal
) -> list[Requirement]:
    """PassRole on `role` to the spec's service, then the fixed steps."""
    passing = on("iam:PassRole", role.arn, **{"iam:PassedToService": spec.service})
    return [passing, *fixed]


for _spec in SPECS:
    register(
        Technique(
            id=_spec.id,
            title=_spec.title,
            required_actions=("iam:PassRole", *_spec.actions, *_spec.existing_actions),
            target_kind=PASSED_ROLE,
            needs_victim=False,
            references=(
                *(pathfinding(a) for a in _spec.aliases if "-0" in a),
                *_spec.references,
            ),
            checker=_passrole_checker(_spec),
            aliases=_spec.aliases,
        )
    )
