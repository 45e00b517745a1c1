# slowfast in a container: the same two commands as on a Debian 12 machine.
#   docker build -t slowfast . && docker run --rm slowfast            (make labs)
#   docker run --rm slowfast make test
FROM debian:12-slim
WORKDIR /slowfast
COPY scripts/setup scripts/setup
RUN scripts/setup
COPY . .
RUN make build
CMD ["make", "labs"]
