# goalbot's container image: `docker build -t goalbot .`, then `docker run goalbot` (serve),
# `docker run goalbot migrate`, or `docker run goalbot demo`.
#
# BASE_IMAGE is any Debian-like image with Python 3.11+ (python3 and its venv module); CI
# builds on a debootstrap'ed Debian base (.ci/image). Both stages use the same base, so the
# venv's interpreter symlinks stay valid in the runtime stage.
ARG BASE_IMAGE=python:3.11-slim

# ---- builder: the project and its dependencies, installed into /opt/venv -------------------
FROM ${BASE_IMAGE} AS builder
# Optional: the package index to use instead of PyPI, and more to search (space-separated),
# as pip's PIP_INDEX_URL and PIP_EXTRA_INDEX_URL.
ARG PIP_INDEX=
ARG PIP_EXTRA_INDEX=
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DEFAULT_TIMEOUT=180
# A venv works the same on the official image and on Debian's python3, whose system pip is
# "externally managed".
RUN python3 -m venv /opt/venv
WORKDIR /src
COPY . .
# A non-default CA bundle for reaching the index (a TLS-inspecting proxy) comes in as the
# optional build secret `pip_cert`: used for this step only, never stored in a layer.
RUN --mount=type=secret,id=pip_cert \
    set -eu; \
    if [ -s /run/secrets/pip_cert ]; then export PIP_CERT=/run/secrets/pip_cert; fi; \
    if [ -n "$PIP_INDEX" ]; then export PIP_INDEX_URL="$PIP_INDEX"; fi; \
    if [ -n "$PIP_EXTRA_INDEX" ]; then export PIP_EXTRA_INDEX_URL="$PIP_EXTRA_INDEX"; fi; \
    /opt/venv/bin/pip install --no-cache-dir /src

# ---- runtime: the venv, the example plan, a non-root user ----------------------------------
FROM ${BASE_IMAGE}
RUN groupadd --gid 10001 goalbot \
    && useradd --uid 10001 --gid goalbot --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin goalbot \
    && install -d -o goalbot -g goalbot -m 0755 /app
COPY --from=builder /opt/venv /opt/venv
# `goalbot demo` finds its plan at examples/plan.yaml of the working directory.
COPY --from=builder /src/examples /app/examples
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    PORT=3000
# The default DATABASE_URL (sqlite:///goalbot.db) and the demo's transcript land here.
WORKDIR /app
USER 10001:10001
EXPOSE 3000
# HTTP mode's health endpoint, http://127.0.0.1:${PORT}/healthz, with Python's urllib (slim
# images have no curl); urlopen raises, so the check fails, on an error or a non-2xx answer.
# Socket Mode listens on no port: disable the check there.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"]
ENTRYPOINT ["goalbot"]
CMD ["serve"]
