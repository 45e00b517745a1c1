#!/usr/bin/env bash
# `make container-check`: the Dockerfile, built and used as a new user would, on a
# machine with no image registry. From a clean clone of this checkout's HEAD:
#   1. a Debian 12 base image made locally (mmdebstrap --variant=minbase bookworm, then
#      podman import as debian:12-slim), unless podman already has one;
#   2. podman build of the Dockerfile (chroot isolation, the host's network for apt);
#   3. a second image FROM it whose build steps run `make test` and a short lab, so that
#      either failing fails the build (`podman run` is refused by this machine's runtime).
# Exit 0 only when all three passed; each step's log is kept in the work directory.
#
#   tests/container/container_check.sh [--keep]   (--keep: leave the images and logs)
set -euo pipefail

keep=false
case "${1:-}" in
  --keep) keep=true ;;
  "") ;;
  -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "container_check.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/../.." && pwd)
for tool in podman mmdebstrap git; do
  command -v "$tool" >/dev/null ||
    { echo "container_check.sh: $tool missing: run scripts/setup --container" >&2; exit 2; }
done

work=$(mktemp -d /tmp/slowfast-container-XXXXXX)
image=localhost/slowfast-check:$(git -C "$root" rev-parse --short HEAD)
finish() {
  local code=$?
  if ! $keep; then
    podman rmi -f "$image-tested" "$image" >/dev/null 2>&1 || true
    rm -rf "$work"
  fi
  [[ $code -eq 0 ]] || echo "container_check.sh: failed (exit $code); logs in $work" >&2
}
trap finish EXIT
$keep && echo "container_check.sh: work directory $work"

# step NAME LOG CMD...: runs CMD with its output in LOG (not through a pipe, so its exit
# status is the step's), prints the last lines, and stops the check when it fails.
step() {
  local name=$1 log=$work/$2 start=$SECONDS; shift 2
  echo "== $name"
  if ! "$@" >"$log" 2>&1; then
    tail -n 30 "$log"
    echo "== $name: FAILED after $((SECONDS - start)) s (log: $log)"
    keep=true
    exit 1
  fi
  tail -n 5 "$log"
  echo "== $name: ok in $((SECONDS - start)) s"
}

git clone -q "$root" "$work/slowfast"
if ! podman image exists docker.io/library/debian:12-slim; then
  step "base image: mmdebstrap --variant=minbase bookworm" mmdebstrap.log \
    mmdebstrap --variant=minbase bookworm "$work/base.tar" http://deb.debian.org/debian
  step "base image: podman import" import.log podman import "$work/base.tar" docker.io/library/debian:12-slim
fi
step "podman build (the Dockerfile)" build.log \
  podman build --isolation chroot --network host -t "$image" "$work/slowfast"

# The checks as build steps of a second image: a failing RUN fails the build. Its
# context is an empty directory: the checks use what the first image holds. podman's
# build steps get 1024 open files unless told; the server's tests hold thousands of
# connections, as under Docker's default limit: give them this machine's 20000.
mkdir "$work/check"
cat >"$work/check/Containerfile" <<EOF
FROM $image
RUN make test
RUN build/bin/slowfast lab --stage 3 -n 5 --delay 0.5
EOF
step "make test and a short lab, inside" check.log \
  podman build --isolation chroot --network host --ulimit nofile=20000:20000 -t "$image-tested" "$work/check"
echo "container_check.sh: the image builds, and make test and a short lab pass inside it"
