# Fil rouge in a container: the web app, a reminder worker, or any `filrouge` command.
# Used by compose.yaml; see docs/deploy.md.
FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends espeak-ng opus-tools postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /home/filrouge filrouge

WORKDIR /app
COPY pyproject.toml README.md babel.cfg ./
COPY bot bot
COPY dialogs dialogs
COPY storage storage
COPY locales locales
COPY data data
RUN pip install --no-cache-dir -e .

USER filrouge
EXPOSE 8000
CMD ["filrouge", "serve", "--host", "0.0.0.0", "--port", "8000"]
