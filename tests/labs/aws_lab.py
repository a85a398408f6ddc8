"""A vulnerable-by-design AWS organization, built through boto3 inside moto.

`build_aws_lab` creates, one call after another, in a moto server that
`AWS_ENDPOINT_URL` points at:

- the management account 123456789012 (moto's default account), holding an
  organization with one OU, a service control policy attached to the OU and
  a member account created through Organizations;
- escalation paths: a user with iam:CreatePolicyVersion, a user with
  iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction, and a user
  who may attach any policy to themselves;
- a role chain: an analyst user assumes chain-1, which assumes chain-2, which
  assumes chain-admin, an administrator;
- a role whose trust policy allows any AWS principal;
- a public bucket (bucket policy to "*") and a private, encrypted bucket with
  Block Public Access;
- an internet-facing instance with a public address in a subnet routed to an
  internet gateway, behind a security group open to 0.0.0.0/0 on 22 and 80.
  It runs as an instance profile whose role reads the private bucket and the
  secret, and an internet-facing application load balancer is in front of it;
- a Lambda function running as an administrator role, with a public function
  URL, a resource policy and an environment variable holding a fake secret;
- a KMS key and a Secrets Manager secret, each with a resource policy that
  grants the member account access; a SecureString SSM parameter;
- the data stores of `aws_lab_stores` (RDS, EBS, SQS, SNS, ECR, ECS, EKS,
  DynamoDB);
- in the member account: a role trusted by the management account's
  analyst (cross-account trust), a user allowed to assume the management
  account's cross-account audit role, and an account-level Block Public Access.

Every fake secret value in the lab contains LAB_SECRET_MARKER, so a test can
assert that none reaches a snapshot.

Where moto 5.2.5 (with boto3 1.44) diverges from AWS, each checked by calling
the server:
- get-account-authorization-details omits PolicyName and PolicyId of managed
  policies, and ignores MaxItems there and on list-users (list-roles honours
  it), so the tests exercise page merging on list-roles.
- AWS managed policies exist only with MOTO_IAM_LOAD_MANAGED_POLICIES=true
  in the server's environment.
- PutUserPermissionsBoundary is not implemented (role boundaries are).
- STS AssumeRole never evaluates trust policies, and IAM policies are not
  enforced, so the tests replay AWS error responses for denied calls.
- An instance given security groups only through NetworkInterfaces shows an
  empty SecurityGroups list in describe-instances, so the lab passes
  SecurityGroupIds.
- Concurrent writes can crash the server, so the lab is built sequentially.
- Lambda GetFunction returns a real AWS S3 URL for the code, which the
  collector never requests.
- Unimplemented operations (ssm DescribeInstanceInformation among them)
  return an HTML 500 page, and some unrouted ones (lambda
  ListFunctionUrlConfigs) an HTML 404 page.
- S3 Control prefixes the account id to the endpoint host, which the
  collector's loopback-only handler strips.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

import boto3

from labs.aws_lab_stores import LAB_SECRET_MARKER, LabStores, build_lab_stores
from toxicpath.ingest.aws.collect.local_endpoint import strip_loopback_account_prefix

MANAGEMENT_ACCOUNT_ID = "123456789012"
LAB_REGION = "us-east-1"
ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ONLY_ACCESS = "arn:aws:iam::aws:policy/ReadOnlyAccess"


@dataclass
class AwsLab:
    """Names and ids of what the lab created, for assertions."""

    management_account_id: str
    member_account_id: str
    organization_id: str
    region: str = LAB_REGION
    users: dict[str, str] = field(default_factory=dict)  # name -> ARN
    roles: dict[str, str] = field(default_factory=dict)  # name -> ARN
    public_bucket: str = ""
    private_bucket: str = ""
    instance_id: str = ""
    instance_profile_arn: str = ""
    security_group_id: str = ""
    function_name: str = ""
    function_arn: str = ""
    key_id: str = ""
    secret_arn: str = ""
    scp_id: str = ""
    member_roles: dict[str, str] = field(default_factory=dict)
    member_users: dict[str, str] = field(default_factory=dict)
    subnet_ids: list[str] = field(default_factory=list)
    stores: LabStores = field(default_factory=LabStores)


def _document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _trust(principal: dict[str, Any]) -> str:
    return _document(
        {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    )


def _function_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "handler.py", "def handler(event, context):\n    return {'ok': True}\n"
        )
    return buffer.getvalue()


def build_aws_lab(session: boto3.Session | None = None) -> AwsLab:
    """Create the lab in the moto server behind AWS_ENDPOINT_URL, sequentially."""
    session = session or boto3.Session(region_name=LAB_REGION)
    organization_id, member_account_id, scp_id = _build_organization(session)
    lab = AwsLab(
        management_account_id=MANAGEMENT_ACCOUNT_ID,
        member_account_id=member_account_id,
        organization_id=organization_id,
        scp_id=scp_id,
    )
    _build_identities(session, lab)
    _build_buckets(session, lab)
    _build_network_and_instance(session, lab)
    _build_function(session, lab)
    _build_key_secret_parameter(session, lab)
    lab.stores = build_lab_stores(
        session, member_account_id=member_account_id, subnet_ids=lab.subnet_ids
    )
    _build_member_account(session, lab)
    return lab


def _build_organization(session: boto3.Session) -> tuple[str, str, str]:
    organizations = session.client("organizations")
    organization = organizations.create_organization(FeatureSet="ALL")
    root_id = organizations.list_roots()["Roots"][0]["Id"]
    organizations.enable_policy_type(
        RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY"
    )
    unit = organizations.create_organizational_unit(ParentId=root_id, Name="workloads")
    unit_id = unit["OrganizationalUnit"]["Id"]

    created = organizations.create_account(
        AccountName="workloads-prod", Email="workloads-prod@example.com"
    )
    member_account_id = created["CreateAccountStatus"]["AccountId"]
    organizations.move_account(
        AccountId=member_account_id, SourceParentId=root_id, DestinationParentId=unit_id
    )

    policy = organizations.create_policy(
        Name="deny-leave-organization",
        Description="Members may not leave the organization or stop CloudTrail",
        Type="SERVICE_CONTROL_POLICY",
        Content=_document(
            {
                "Effect": "Deny",
                "Action": ["organizations:LeaveOrganization", "cloudtrail:StopLogging"],
                "Resource": "*",
            }
        ),
    )
    scp_id = policy["Policy"]["PolicySummary"]["Id"]
    organizations.attach_policy(PolicyId=scp_id, TargetId=unit_id)
    return organization["Organization"]["Id"], member_account_id, scp_id


def _create_user(
    iam: Any, lab: AwsLab, name: str, policy: dict[str, Any] | None
) -> None:
    user = iam.create_user(UserName=name)["User"]
    lab.users[name] = user["Arn"]
    if policy is not None:
        iam.put_user_policy(
            UserName=name, PolicyName=f"{name}-policy", PolicyDocument=_document(policy)
        )


def _create_role(
    iam: Any,
    lab: AwsLab,
    name: str,
    trust: dict[str, Any],
    *,
    managed: str | None = None,
    inline: dict[str, Any] | None = None,
) -> None:
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=_trust(trust))
    lab.roles[name] = role["Role"]["Arn"]
    if managed:
        iam.attach_role_policy(RoleName=name, PolicyArn=managed)
    if inline is not None:
        iam.put_role_policy(
            RoleName=name, PolicyName=f"{name}-policy", PolicyDocument=_document(inline)
        )


def _build_identities(session: boto3.Session, lab: AwsLab) -> None:
    iam = session.client("iam")
    account = lab.management_account_id
    # A customer managed policy the policy editor can rewrite into an admin one.
    shared = iam.create_policy(
        PolicyName="shared-developer-policy",
        PolicyDocument=_document(
            {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}
        ),
    )["Policy"]["Arn"]
    iam.create_group(GroupName="developers")
    iam.attach_group_policy(GroupName="developers", PolicyArn=shared)

    _create_user(
        iam,
        lab,
        "policy-editor",
        {"Effect": "Allow", "Action": "iam:CreatePolicyVersion", "Resource": "*"},
    )
    iam.add_user_to_group(GroupName="developers", UserName="policy-editor")
    _create_user(
        iam,
        lab,
        "lambda-deployer",
        {
            "Effect": "Allow",
            "Action": [
                "iam:PassRole",
                "lambda:CreateFunction",
                "lambda:InvokeFunction",
            ],
            "Resource": "*",
        },
    )
    _create_user(
        iam,
        lab,
        "self-attacher",
        {
            "Effect": "Allow",
            "Action": "iam:AttachUserPolicy",
            "Resource": f"arn:aws:iam::{account}:user/self-attacher",
        },
    )
    _create_user(iam, lab, "analyst", None)
    iam.attach_user_policy(UserName="analyst", PolicyArn=READ_ONLY_ACCESS)
    iam.put_user_policy(
        UserName="analyst",
        PolicyName="assume-chain",
        PolicyDocument=_document(
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": f"arn:aws:iam::{account}:role/chain-1",
            }
        ),
    )
    # Console access with MFA for one user, and access keys for the analyst.
    iam.create_login_profile(
        UserName="analyst",
        Password=f"Pw-{LAB_SECRET_MARKER}",
        PasswordResetRequired=False,
    )
    iam.create_access_key(UserName="analyst")
    iam.create_access_key(UserName="lambda-deployer")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="analyst-mfa")
    iam.enable_mfa_device(
        UserName="analyst",
        SerialNumber=device["VirtualMFADevice"]["SerialNumber"],
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )

    # The role chain: analyst -> chain-1 -> chain-2 -> chain-admin.
    _create_role(
        iam,
        lab,
        "chain-1",
        {"AWS": lab.users["analyst"]},
        inline={
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": f"arn:aws:iam::{account}:role/chain-2",
        },
    )
    _create_role(
        iam,
        lab,
        "chain-2",
        {"AWS": lab.roles["chain-1"]},
        inline={
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": f"arn:aws:iam::{account}:role/chain-admin",
        },
    )
    _create_role(
        iam,
        lab,
        "chain-admin",
        {"AWS": lab.roles["chain-2"]},
        managed=ADMINISTRATOR_ACCESS,
    )
    _create_role(
        iam,
        lab,
        "wildcard-trust",
        {"AWS": "*"},
        inline={"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    )
    _create_role(
        iam,
        lab,
        "cross-account-audit",
        {"AWS": f"arn:aws:iam::{lab.member_account_id}:root"},
        managed=READ_ONLY_ACCESS,
    )
    iam.create_saml_provider(
        Name="corporate-idp",
        SAMLMetadataDocument="<EntityDescriptor entityID='https://idp.example.com'/>"
        * 100,
    )
    iam.create_open_id_connect_provider(
        Url="https://token.actions.githubusercontent.com",
        ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=["6938fd4d98bab03faadb97b34396831e3780aea1"],
    )


def _build_buckets(session: boto3.Session, lab: AwsLab) -> None:
    s3 = session.client("s3")
    lab.public_bucket = "toxicpath-lab-public-assets"
    lab.private_bucket = "toxicpath-lab-customer-data"
    s3.create_bucket(Bucket=lab.public_bucket)
    s3.put_bucket_policy(
        Bucket=lab.public_bucket,
        Policy=_document(
            {
                "Sid": "PublicRead",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{lab.public_bucket}/*",
            }
        ),
    )
    s3.create_bucket(Bucket=lab.private_bucket)
    s3.put_public_access_block(
        Bucket=lab.private_bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket=lab.private_bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}
            ]
        },
    )
    s3.put_bucket_versioning(
        Bucket=lab.private_bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    s3.put_bucket_tagging(
        Bucket=lab.private_bucket,
        Tagging={"TagSet": [{"Key": "data-classification", "Value": "confidential"}]},
    )


def _build_network_and_instance(session: boto3.Session, lab: AwsLab) -> None:
    ec2 = session.client("ec2")
    iam = session.client("iam")
    vpc_id = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.20.1.0/24")["Subnet"][
        "SubnetId"
    ]
    ec2.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": True})
    gateway_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway_id, VpcId=vpc_id)
    route_table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(
        RouteTableId=route_table_id,
        DestinationCidrBlock="0.0.0.0/0",
        GatewayId=gateway_id,
    )
    ec2.associate_route_table(RouteTableId=route_table_id, SubnetId=subnet_id)
    group_id = ec2.create_security_group(
        GroupName="web-open", Description="SSH and HTTP from anywhere", VpcId=vpc_id
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": port,
                "ToPort": port,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
            for port in (22, 80)
        ],
    )
    lab.security_group_id = group_id

    _create_role(
        iam,
        lab,
        "web-instance-role",
        {"Service": "ec2.amazonaws.com"},
        inline={
            "Effect": "Allow",
            "Action": [
                "s3:GetObject",
                "s3:ListBucket",
                "secretsmanager:GetSecretValue",
            ],
            "Resource": "*",
        },
    )
    profile = iam.create_instance_profile(InstanceProfileName="web-instance-profile")
    iam.add_role_to_instance_profile(
        InstanceProfileName="web-instance-profile", RoleName="web-instance-role"
    )
    lab.instance_profile_arn = profile["InstanceProfile"]["Arn"]
    image_id = ec2.register_image(
        Name="lab-web-image",
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8}}],
    )["ImageId"]
    instance = ec2.run_instances(
        ImageId=image_id,
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet_id,
        SecurityGroupIds=[group_id],
        IamInstanceProfile={"Arn": lab.instance_profile_arn},
        MetadataOptions={"HttpTokens": "optional"},
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web-1"}]}
        ],
    )["Instances"][0]
    lab.instance_id = instance["InstanceId"]

    second_subnet = ec2.create_subnet(
        VpcId=vpc_id, CidrBlock="10.20.2.0/24", AvailabilityZone="us-east-1b"
    )["Subnet"]["SubnetId"]
    lab.subnet_ids = [subnet_id, second_subnet]
    elbv2 = session.client("elbv2")
    balancer = elbv2.create_load_balancer(
        Name="web-alb",
        Subnets=[subnet_id, second_subnet],
        SecurityGroups=[group_id],
        Scheme="internet-facing",
        Type="application",
    )["LoadBalancers"][0]
    target_group = elbv2.create_target_group(
        Name="web-targets",
        Protocol="HTTP",
        Port=80,
        VpcId=vpc_id,
        TargetType="instance",
    )["TargetGroups"][0]
    elbv2.register_targets(
        TargetGroupArn=target_group["TargetGroupArn"], Targets=[{"Id": lab.instance_id}]
    )
    elbv2.create_listener(
        LoadBalancerArn=balancer["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {"Type": "forward", "TargetGroupArn": target_group["TargetGroupArn"]}
        ],
    )


def _build_function(session: boto3.Session, lab: AwsLab) -> None:
    iam = session.client("iam")
    _create_role(
        iam,
        lab,
        "lambda-admin-role",
        {"Service": "lambda.amazonaws.com"},
        managed=ADMINISTRATOR_ACCESS,
    )
    aws_lambda = session.client("lambda")
    lab.function_name = "nightly-maintenance"
    function = aws_lambda.create_function(
        FunctionName=lab.function_name,
        Runtime="python3.12",
        Role=lab.roles["lambda-admin-role"],
        Handler="handler.handler",
        Code={"ZipFile": _function_zip()},
        Environment={
            "Variables": {
                "DB_PASSWORD": f"db-{LAB_SECRET_MARKER}",
                "STAGE": "production",
            }
        },
    )
    lab.function_arn = function["FunctionArn"]
    aws_lambda.add_permission(
        FunctionName=lab.function_name,
        StatementId="public-url",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    aws_lambda.create_function_url_config(
        FunctionName=lab.function_name, AuthType="NONE"
    )


def _build_key_secret_parameter(session: boto3.Session, lab: AwsLab) -> None:
    member_root = f"arn:aws:iam::{lab.member_account_id}:root"
    management_root = f"arn:aws:iam::{lab.management_account_id}:root"
    kms = session.client("kms")
    key = kms.create_key(
        Description="customer data key",
        Policy=_document(
            {
                "Sid": "AccountAdmin",
                "Effect": "Allow",
                "Principal": {"AWS": management_root},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "MemberDecrypt",
                "Effect": "Allow",
                "Principal": {"AWS": member_root},
                "Action": ["kms:Decrypt", "kms:DescribeKey"],
                "Resource": "*",
            },
        ),
    )
    lab.key_id = key["KeyMetadata"]["KeyId"]

    kms.create_alias(AliasName="alias/customer-data", TargetKeyId=lab.key_id)
    kms.create_grant(
        KeyId=lab.key_id,
        GranteePrincipal=lab.roles["web-instance-role"],
        Operations=["Decrypt"],
    )

    secrets = session.client("secretsmanager")
    secret = secrets.create_secret(
        Name="prod/db-password",
        SecretString=f"sm-{LAB_SECRET_MARKER}",
        KmsKeyId=lab.key_id,
    )
    lab.secret_arn = secret["ARN"]
    secrets.put_resource_policy(
        SecretId=lab.secret_arn,
        ResourcePolicy=_document(
            {
                "Effect": "Allow",
                "Principal": {"AWS": member_root},
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "*",
            }
        ),
    )

    session.client("ssm").put_parameter(
        Name="/prod/api-token",
        Value=f"ssm-{LAB_SECRET_MARKER}",
        Type="SecureString",
    )


def _member_session(session: boto3.Session, lab: AwsLab) -> boto3.Session:
    credentials = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{lab.member_account_id}:role/OrganizationAccountAccessRole",
        RoleSessionName="toxicpath-lab",
    )["Credentials"]
    member = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=LAB_REGION,
    )
    member.events.register("before-sign.s3-control.*", strip_loopback_account_prefix)
    return member


def _build_member_account(session: boto3.Session, lab: AwsLab) -> None:
    member = _member_session(session, lab)
    iam = member.client("iam")
    role = iam.create_role(
        RoleName="deploy-from-management",
        AssumeRolePolicyDocument=_trust({"AWS": lab.users["analyst"]}),
    )
    lab.member_roles["deploy-from-management"] = role["Role"]["Arn"]
    iam.attach_role_policy(
        RoleName="deploy-from-management", PolicyArn=ADMINISTRATOR_ACCESS
    )
    user = iam.create_user(UserName="auditor")["User"]
    lab.member_users["auditor"] = user["Arn"]
    iam.put_user_policy(
        UserName="auditor",
        PolicyName="assume-management-audit",
        PolicyDocument=_document(
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": lab.roles["cross-account-audit"],
            }
        ),
    )
    member.client("s3control").put_public_access_block(
        AccountId=lab.member_account_id,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    member.client("s3").create_bucket(Bucket="toxicpath-lab-member-logs")
