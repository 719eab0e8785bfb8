# The consent-gate worker image (used by docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    CONSENT_GATE_SCHEMA_DIR=/app/schemas \
    CONSENT_GATE_DATA_DIR=/var/lib/consent-gate

WORKDIR /app
COPY pyproject.toml README.md ./
COPY streams ./streams
COPY schemas ./schemas
# A fixed, numeric user: Kubernetes' runAsNonRoot can check it, and a volume's fsGroup matches it
# (deploy/kubernetes/consent-gate.yaml).
RUN pip install . && groupadd --system --gid 10001 consentgate \
    && useradd --system --uid 10001 --gid 10001 --home /app consentgate \
    && mkdir -p /var/lib/consent-gate && chown consentgate:consentgate /var/lib/consent-gate
USER 10001:10001
VOLUME ["/var/lib/consent-gate"]
ENTRYPOINT ["consent-gate"]
EXPOSE 6066
CMD ["worker"]
