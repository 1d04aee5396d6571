# syntax=docker/dockerfile:1
# Multi-stage build: compile in the Rust image, run from a minimal non-root image.

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin sanctuary \
    && install -D target/release/sanctuary /out/sanctuary \
    && mkdir -p -m 0700 /out/data

# distroless/cc: glibc and libgcc only, no shell, runs as uid 65532.
# Demo mode is off: bound to 0.0.0.0, it must never start by default (it prints tokens
# for every role and trusts a local signing key). With no auth.issuers configured the
# container stops with a message saying so; `-e SANCTUARY_DEMO=true` runs the demo.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/sanctuary /usr/local/bin/sanctuary
COPY --from=build --chown=65532:65532 /out/data /data
ENV SANCTUARY_BIND=0.0.0.0:8080 \
    SANCTUARY_DATA_DIR=/data \
    SANCTUARY_DEMO=false \
    SANCTUARY_LOG__FORMAT=json
USER 65532:65532
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/sanctuary", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/sanctuary"]
CMD ["serve"]
