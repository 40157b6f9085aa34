# One image for every tripmesh service: `docker run tripmesh serve planner`.
#   docker build -t tripmesh:dev .
# Read-only friendly: nothing is written outside /tmp and TRIPMESH_DATA_DIR, which
# Kubernetes mounts as emptyDir volumes (k8s/base/patches/pod-defaults.yaml).

# Pin by digest for reproducible builds: --build-arg PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:...
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- builder: the project and its dependencies, installed into a virtualenv ---
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/tripmesh
WORKDIR /src
# Dependencies first, at the versions CI tested (constraints.txt), in a layer of their
# own: a change to the code alone reuses it.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" \
        > requirements.txt \
    && /opt/tripmesh/bin/pip install --no-cache-dir --constraint constraints.txt --requirement requirements.txt
# Then the project itself, without touching the dependencies.
COPY README.md ./
COPY protos/ protos/
COPY registry/ registry/
COPY tripmesh_retry/ tripmesh_retry/
COPY services/ services/
COPY gateway/ gateway/
RUN /opt/tripmesh/bin/pip install --no-cache-dir --no-deps --constraint constraints.txt . \
    && /opt/tripmesh/bin/python -m compileall -q /opt/tripmesh/lib

# --- runtime: the virtualenv on a slim Python, as an unprivileged user ---
FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/tripmesh/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TRIPMESH_HOST=0.0.0.0 \
    TRIPMESH_DATA_DIR=/var/lib/tripmesh
# The uid/gid match runAsUser/runAsGroup in the Kubernetes manifests.
RUN groupadd --system --gid 10001 tripmesh \
    && useradd --system --uid 10001 --gid tripmesh --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin tripmesh \
    && install -d -o tripmesh -g tripmesh -m 0750 /var/lib/tripmesh
COPY --from=builder /opt/tripmesh /opt/tripmesh
WORKDIR /var/lib/tripmesh
USER 10001:10001
# gRPC ports, metrics ports, the gateway's HTTP port (DESIGN.md).
EXPOSE 50051 50052 50053 50054 50061 50062 50063 8080 \
       9151 9152 9153 9154 9161 9162 9163
ENTRYPOINT ["tripmesh"]
CMD ["serve", "orchestrator"]
