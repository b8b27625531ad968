# Builds the release binary and site, then ships them in a small Debian image.
FROM rust:1.95-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
RUN rustup target add wasm32-unknown-unknown \
 && cargo install cargo-leptos --locked --version 0.3.10 \
 && cargo install wasm-bindgen-cli --version 0.2.130 \
 && npm install --prefix /opt/binaryen binaryen@132.0.0
ENV PATH=/opt/binaryen/node_modules/.bin:$PATH
WORKDIR /src
COPY . .
RUN cargo leptos build --release --precompress

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /app deskfolio
WORKDIR /app
COPY --from=build /src/target/release/deskfolio /usr/local/bin/deskfolio
COPY --from=build /src/target/site /app/site
ENV LEPTOS_SITE_ROOT=/app/site \
    LISTEN_ADDR=0.0.0.0:3000 \
    DATABASE_URL=sqlite:///app/data/deskfolio.db \
    DEMO_TENANT=false
RUN mkdir -p /app/data && chown deskfolio /app/data
USER deskfolio
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fs http://127.0.0.1:3000/healthz || exit 1
CMD ["deskfolio", "serve"]
