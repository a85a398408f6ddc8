"""Property tests for resource ARN wildcards: a generalised ARN still matches."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from toxicpath.analysis.aws.policy.patterns import resource_matches

RESOURCE_TEXT = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz0123456789/:-_.", min_size=1, max_size=24
)


@st.composite
def arns(draw: st.DrawFn) -> str:
    service = draw(st.sampled_from(["s3", "iam", "ec2", "lambda", "sqs"]))
    region = draw(st.sampled_from(["", "us-east-1", "eu-west-2"]))
    account = draw(st.sampled_from(["", "111111111111", "aws"]))
    resource = draw(RESOURCE_TEXT)
    return f"arn:aws:{service}:{region}:{account}:{resource}"


@given(arn=arns(), data=st.data())
def test_star_in_resource_part(arn: str, data: st.DataObject) -> None:
    prefix_length = len(":".join(arn.split(":", 5)[:5])) + 1
    start = data.draw(st.integers(min_value=prefix_length, max_value=len(arn)))
    end = data.draw(st.integers(min_value=start, max_value=len(arn)))
    pattern = arn[:start] + "*" + arn[end:]
    assert resource_matches(pattern, arn)


@given(arn=arns(), data=st.data())
def test_star_within_one_segment(arn: str, data: st.DataObject) -> None:
    segments = arn.split(":", 5)
    position = data.draw(st.integers(min_value=1, max_value=4))
    segment = segments[position]
    start = data.draw(st.integers(min_value=0, max_value=len(segment)))
    end = data.draw(st.integers(min_value=start, max_value=len(segment)))
    segments[position] = segment[:start] + "*" + segment[end:]
    assert resource_matches(":".join(segments), arn)


@given(arn=arns(), data=st.data())
def test_question_mark_one_char(arn: str, data: st.DataObject) -> None:
    candidates = [index for index, char in enumerate(arn) if char != ":"]
    index = data.draw(st.sampled_from(candidates))
    pattern = arn[:index] + "?" + arn[index + 1 :]
    assert resource_matches(pattern, arn)


@given(arn=arns(), data=st.data())
def test_changed_char_never_matches(arn: str, data: st.DataObject) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(arn) - 1))
    replacement = "X" if arn[index] != "X" else "Y"
    pattern = arn[:index] + replacement + arn[index + 1 :]
    assert not resource_matches(pattern, arn)
