# roomwatch container image. Build: `docker build -t roomwatch .`
# Run: `docker run -p 8080:8080 roomwatch` (config/docker.yaml, which needs the compose Redis),
# or mount your own config and pass `--config /path/in/container.yaml`.

ARG PYTHON_IMAGE=python:3.11-slim

# Stage 1: build the roomwatch wheel and wheels of every dependency.
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# A C compiler for detection's compiled inner loops (monitor/detect/_native.c); the runtime
# stage gets the built wheel only.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml setup.py README.md ./
COPY monitor ./monitor
COPY alerts ./alerts
COPY config ./config
# The evaluation sets `roomwatch eval` reads (monitor/detect/eval_data links to data/).
COPY data ./data
RUN pip wheel --wheel-dir /wheels .

# Stage 2: a slim runtime with only the installed wheels, running as a non-root user.
FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# A CJK font (Noto Sans CJK): a headless browser or report renderer in the image draws
# Chinese text instead of empty boxes (the console's own tests need it too).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 roomwatch \
    && useradd --system --uid 10001 --gid roomwatch --home-dir /home/roomwatch \
       --create-home --shell /usr/sbin/nologin roomwatch
COPY --from=build /wheels /wheels
RUN pip install --no-index --find-links /wheels roomwatch && rm -rf /wheels
# The shipped configuration (docker.yaml, plans, lexicons); compose mounts ./config over it.
COPY config /etc/roomwatch
USER roomwatch:roomwatch
WORKDIR /home/roomwatch
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2).status == 200 else 1)"]
ENTRYPOINT ["roomwatch", "run"]
CMD ["--config", "/etc/roomwatch/docker.yaml"]
