"""deploy/aws/job-role-policy.json holds every permission docbatch uses on AWS, and no more.

Two views of one nightly run (S3 manifest prefix in, S3 run folder out, Rekognition with
``--tps auto``, a resume, then Textract):

* moto's S3 on loopback *enforces* IAM (``/moto-api/reset-auth``): docbatch runs with the
  keys of a user holding only the policy, so any S3 request it does not allow, from boto3 or
  from pyarrow's own S3 client, fails the run;
* every operation botocore sends (S3, Rekognition, Textract, Service Quotas, STS) is
  recorded on its way out and must map to an action the policy allows.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.client import BaseClient

from docbatch import RunConfig
from docbatch.aws_direct import DirectCall
from docbatch.runner import run_batch
from docbatch.testing.fake_service_quotas import FakeServiceQuotas

from ..support.bench import TinyReceiptEngine, dummy_aws_env, text_image
from ..support.servers import listening_url
from docbatch.testing.fake_rekognition import FakeRekognitionServer

pytestmark = pytest.mark.slow  # a moto server process and three runs against loopback servers

POLICY = Path(__file__).resolve().parents[2] / "deploy" / "aws" / "job-role-policy.json"
INPUTS, RUNS = "example-docbatch-inputs", "example-docbatch-runs"
#: The IAM action(s) an S3 operation needs where its name is not the action's.
S3_ACTIONS = {"ListObjectsV2": ("s3:ListBucket",), "ListObjects": ("s3:ListBucket",), "HeadBucket": ("s3:ListBucket",),
              "HeadObject": ("s3:GetObject",), "CopyObject": ("s3:GetObject", "s3:PutObject"),
              "DeleteObjects": ("s3:DeleteObject",), "CreateMultipartUpload": ("s3:PutObject",),
              "UploadPart": ("s3:PutObject",), "CompleteMultipartUpload": ("s3:PutObject",)}
#: Operations no IAM policy can allow or deny.
NEED_NO_PERMISSION = {"sts:GetCallerIdentity"}


def iam_actions(service: str, operation: str) -> tuple[str, ...]:
    if f"{service}:{operation}" in NEED_NO_PERMISSION:
        return ()
    if service == "s3" and operation in S3_ACTIONS:
        return S3_ACTIONS[operation]
    return (f"{service}:{operation}",)


def allowed_actions() -> set[str]:
    return {a for s in json.loads(POLICY.read_text())["Statement"] for a in s["Action"]}


#: moto's server, put right where it authorises S3 unlike AWS: HeadBucket is s3:ListBucket
#: there (IAM has no s3:HeadBucket action); a multi-object delete (pyarrow deletes staging
#: folders with DeleteObjects) is s3:DeleteObject on each key, which moto checks against the
#: bucket's ARN instead, so there it is left to the policy's s3:DeleteObject (see the last test).
MOTO_AS_AWS = """
import sys
import moto.s3.responses as responses
from moto.server import main
responses.ACTION_MAP["BUCKET"]["HEAD"]["DEFAULT"] = "ListBucket"
authorize = responses.S3Response._authenticate_and_authorize_s3_action
def per_key_delete(self, *args, **kwargs):
    if getattr(self, "method", None) == "POST" and self.is_delete_keys():
        return None
    return authorize(self, *args, **kwargs)
responses.S3Response._authenticate_and_authorize_s3_action = per_key_delete
main(sys.argv[1:])
"""


@pytest.fixture(scope="module")
def enforcing_s3():
    """A moto server process of its own (its IAM enforcement is process-wide), set up, then enforcing."""
    proc = subprocess.Popen([sys.executable, "-c", MOTO_AS_AWS, "-H", "127.0.0.1", "-p", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = listening_url(proc)  # werkzeug's "Running on http://127.0.0.1:PORT", once bound
        with dummy_aws_env():
            keys = _set_up(url)
        urllib.request.urlopen(urllib.request.Request(url + "/moto-api/reset-auth", data=b"0", method="POST",
                                                      headers={"Content-Type": "application/json"}))
        yield url, keys
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _set_up(url: str) -> dict[str, str]:
    s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1")
    for bucket in (INPUTS, RUNS):
        s3.create_bucket(Bucket=bucket)
    for i in range(3):
        s3.put_object(Bucket=INPUTS, Key=f"incoming/2026-11-30/r{i}.png", Body=text_image(f"receipt {i}"))
    iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1")
    iam.create_user(UserName="docbatch-job")
    iam.put_user_policy(UserName="docbatch-job", PolicyName="docbatch", PolicyDocument=POLICY.read_text())
    key = iam.create_access_key(UserName="docbatch-job")["AccessKey"]
    return {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}


@pytest.fixture
def recorded(monkeypatch):
    """(signing service, operation) of every call botocore makes in this process, through a
    client or sent directly by an engine (:class:`~docbatch.aws_direct.DirectCall`)."""
    calls: set[tuple[str, str]] = set()
    send = BaseClient._make_api_call
    send_direct = DirectCall.__call__

    def record(client, operation, params):
        calls.add((client.meta.service_model.signing_name, operation))
        return send(client, operation, params)

    def record_direct(call, params):
        calls.add((call.signing_name, call.operation_name))
        return send_direct(call, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", record)
    monkeypatch.setattr(DirectCall, "__call__", record_direct)
    return calls


def test_a_nightly_run_needs_only_the_policy_and_every_call_it_makes_is_allowed(enforcing_s3, recorded,
                                                                                   monkeypatch, tmp_path):
    url, keys = enforcing_s3
    with dummy_aws_env(), FakeServiceQuotas(applied={"DetectText": 50}) as quotas:
        for name, value in keys.items():
            monkeypatch.setenv(name, value)  # docbatch's and the fake service's S3 reads: the job's identity
        monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # the fake's boto3.client must not keep old keys
        monkeypatch.setenv("AWS_ENDPOINT_URL_SERVICE_QUOTAS", quotas.endpoint_url)
        server = FakeRekognitionServer(engine=TinyReceiptEngine(), s3_endpoint_url=url)
        with server:
            base = dict(manifest=f"s3://{INPUTS}/incoming/2026-11-30/", region="us-east-1", s3_endpoint_url=url,
                        endpoint_url=server.endpoint_url, doc_type="receipt", formats=("parquet", "csv"),
                        cache_dir=str(tmp_path / "cache"), backoff_base=0.01, backoff_max=0.1)
            first = run_batch(RunConfig(out=f"s3://{RUNS}/runs/2026-11-30/", engine="rekognition", tps="auto",
                                        **base))
            again = run_batch(RunConfig(out=f"s3://{RUNS}/runs/2026-11-30/", engine="rekognition", tps="auto",
                                        **base))
            textract = run_batch(RunConfig(out=f"s3://{RUNS}/runs/textract/", engine="textract", tps=20,
                                           use_cache=False, **{k: v for k, v in base.items() if k != "cache_dir"}))
    assert (first.ok, again.resumed, textract.ok) == (3, 3, 3), (first.errors, again.errors, textract.errors)
    assert quotas.calls, "--tps auto read the quota"
    services = {service for service, _ in recorded}
    assert {"s3", "rekognition", "textract", "servicequotas"} <= services
    missing = {f"{s}:{op}": a for s, op in recorded for a in iam_actions(s, op) if a not in allowed_actions()}
    assert missing == {}


def test_the_run_folder_may_delete_only_under_its_prefix():
    """Staging and replaced parts are deleted (DeleteObject, DeleteObjects: s3:DeleteObject) in the
    run folders alone, never in the inputs."""
    deletes = [s for s in json.loads(POLICY.read_text())["Statement"] if "s3:DeleteObject" in s["Action"]]
    assert [s["Resource"] for s in deletes] == [f"arn:aws:s3:::{RUNS}/runs/*"]
