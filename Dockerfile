# kliping in a container, for compose.yaml (a scheduler and N crawl workers on one Postgres).
FROM python:3.11-slim
WORKDIR /src
COPY . /src
RUN pip install --no-cache-dir /src && useradd --system --home-dir /var/lib/kliping kliping
USER kliping
ENV KLIPING_HOME=/var/lib/kliping
ENTRYPOINT ["kliping"]
