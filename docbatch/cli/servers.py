"""``docbatch fake-rekognition``: the offline Rekognition/Textract protocol server."""

from __future__ import annotations

import click

from .group import main


@main.command("fake-rekognition")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=9977, show_default=True, type=int)
@click.option("--replay-dir", help="Answer from saved responses (<sha256>.json or <stem>.json) when present.")
@click.option("--s3-endpoint-url", help="Where S3Object images are read from.")
@click.option("--tps", type=float, help="Quota: requests/second before ThrottlingException.")
@click.option("--throttle-code", type=click.Choice(["ThrottlingException", "ProvisionedThroughputExceededException"]),
              default="ThrottlingException", show_default=True, help="Error code sent over the quota.")
@click.option("--latency", type=float, default=0.0, show_default=True, help="Seconds added to every answer.")
@click.option("--fault", "faults", multiple=True,
              help="Inject faults, e.g. 'http500:first=2' (each image fails twice first), 'reset:every=5', "
                   "'slow:probability=0.1:seed=7:seconds=30'. Kinds: http500 http503 reset slow invalid_image "
                   "throttle html200 truncated200 notext200 null200 misshapen200 (200 answers that are not "
                   "responses) denied expired (the caller refused). Repeatable.")
def fake_rekognition(host: str, port: int, replay_dir: str | None, s3_endpoint_url: str | None,
                     tps: float | None, throttle_code: str, latency: float, faults: tuple[str, ...]) -> None:
    """Serve the Rekognition DetectText protocol on 127.0.0.1 for offline pipeline tests.

    It answers Textract DetectDocumentText too (same quota and faults, every word as
    Blocks), for --engine textract.
    Point docbatch (or any boto3 code) at it with --endpoint-url http://127.0.0.1:PORT.
    Images without a saved response are read by the embedded local engine.
    """
    from ..testing.fake_rekognition import FakeRekognitionServer
    from ..testing.faults import Fault

    server = FakeRekognitionServer(host=host, port=port, replay_dir=replay_dir, s3_endpoint_url=s3_endpoint_url,
                                   tps=tps, throttle_code=throttle_code, latency=latency,
                                   faults=[Fault.parse(f) for f in faults])
    click.echo(f"fake Rekognition listening on {server.start().endpoint_url} (Ctrl-C to stop)", err=True)
    server.serve_forever()
