# The moderator image: the CLI, with the bundled offline model. Build: docker build -t school-moderator .
FROM python:3.11-slim

# PyTorch's CPU wheels are much smaller than the default CUDA build; point TORCH_INDEX_URL at
# a CPU wheel index (or a local mirror) when building.
ARG TORCH_INDEX_URL=""
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1

RUN useradd --create-home --uid 10001 moderator
WORKDIR /app
COPY pyproject.toml README.md ./
COPY moderator ./moderator
COPY classifiers ./classifiers
COPY connectors ./connectors
COPY queue ./queue
RUN if [ -n "$TORCH_INDEX_URL" ]; then pip install torch==2.13.0 --index-url "$TORCH_INDEX_URL"; fi \
    && pip install .

USER moderator
WORKDIR /data
ENTRYPOINT ["moderator"]
CMD ["--help"]
