# docbatch in a container: `docker build -t docbatch .` then
#   docker run --rm --network none -v "$PWD/out:/out" docbatch run jobs/sample.toml --out /out/sample
# (the bundled sample through the embedded engine: no network, no AWS), or in AWS Batch with
# deploy/aws/job-definition.json (S3 in and out, the job role's credentials).
#
# The embedded engine's PP-OCR models ship inside the rapidocr wheel, so the image holds them
# and nothing is downloaded at run time.  Everything is installed from wheels (no compiler,
# no system packages): the build needs the package index, the image never needs a network.

ARG PYTHON=3.11

FROM python:${PYTHON}-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY docbatch ./docbatch
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:${PYTHON}-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ORT_DISABLE_TELEMETRY=1 \
    HOME=/home/docbatch
RUN useradd --create-home --home-dir /home/docbatch --uid 10001 --user-group docbatch
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels \
    && python -c "from docbatch.engines.local import model_paths; model_paths()"
WORKDIR /app
# The bundled sample, so `run jobs/sample.toml` smoke-tests an image; its out/ is the user's.
COPY jobs ./jobs
COPY sample_data ./sample_data
RUN mkdir -p /app/out && chown docbatch:docbatch /app/out
USER docbatch
ENTRYPOINT ["docbatch"]
CMD ["--help"]
