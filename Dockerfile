# syntax=docker/dockerfile:1
#
# The milvus-rbac container image: a static binary on distroless (CA certificates, no shell),
# run as a non-root user.
#
#   docker build --build-arg VERSION=1.2.3 -t ghcr.io/milvus-rbac/milvus-rbac:1.2.3 .
#   docker run --rm -e MILVUS_URI -e MILVUS_TOKEN -v "$PWD:/work" -w /work \
#     ghcr.io/milvus-rbac/milvus-rbac:1.2.3 plan -f access.yaml
#
# The go build line uses the Makefile's and .goreleaser.yaml's flags; a test keeps them equal
# and checks that the binary it builds is static.
ARG GO_VERSION=1.26

# The builder runs on the build machine's platform and cross-compiles (BuildKit sets TARGETOS
# and TARGETARCH for docker buildx build --platform linux/amd64,linux/arm64).
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
ARG VERSION=dev
ARG TARGETOS
ARG TARGETARCH
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -trimpath -ldflags "-s -w -X github.com/milvus-rbac/milvus-rbac/command.Version=${VERSION}" -o /out/milvus-rbac .

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="milvus-rbac" \
      org.opencontainers.image.description="Access control as code for Milvus and Zilliz Cloud: plan, apply, drift, export" \
      org.opencontainers.image.source="https://github.com/milvus-rbac/milvus-rbac" \
      org.opencontainers.image.url="https://github.com/milvus-rbac/milvus-rbac" \
      org.opencontainers.image.documentation="https://github.com/milvus-rbac/milvus-rbac#readme" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
COPY --from=build /out/milvus-rbac /usr/local/bin/milvus-rbac
USER nonroot:nonroot
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/milvus-rbac"]
