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
RUN pip install . && useradd --system --home /app consentgate \
    && mkdir -p /var/lib/consent-gate && chown consentgate /var/lib/consent-gate
USER consentgate
VOLUME ["/var/lib/consent-gate"]
ENTRYPOINT ["consent-gate"]
EXPOSE 6066
CMD ["worker"]
