# cyberex serve in a container: the binary only, as a non-root user.
#   docker build -t cyberex .
#   docker run -p 8080:8080 -v cyberex-data:/data cyberex
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /cyberex ./cmd/cyberex \
 && mkdir -p /data && chown 65532:65532 /data

FROM scratch
COPY --from=build /cyberex /cyberex
COPY --from=build --chown=65532:65532 /data /data
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
# The browser client, when built (make web), goes beside it:
#   COPY web/ /web/   and add --web /web below.
USER 65532:65532
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["/cyberex"]
CMD ["serve", "--addr", "0.0.0.0:8080", "--data", "/data", "--log-json"]
