#!/usr/bin/env bash
# Prepares what the operator's API-server and end-to-end tests need, then prints the environment to use:
#   eval "$(.ci/k8s.sh)"
# 1. starts the local single-node Kubernetes of ../shared/k8s (reuses its cache; ~15 s when warm),
# 2. prepares kube-api-test's binary directory,
# 3. builds the jars and the local images (operator always; node once node/Dockerfile exists) into the
#    cluster's Docker daemon, which is also the kubelet's runtime: pods use them with IfNotPresent/Never.
# Everything is logged on stderr; stdout carries only the export lines.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
log() { echo "[k8s $(date +%H:%M:%S) +$((SECONDS - t0))s] $*" >&2; }

SHARED_K8S=../shared/k8s
BASE_IMAGE=${BASE_IMAGE:-local/jre17:bookworm}
OPERATOR_IMAGE=${OPERATOR_IMAGE:-local/raftkv-operator:dev}
NODE_IMAGE=${NODE_IMAGE:-local/raftkv-node:dev}

log "starting the local Kubernetes ($SHARED_K8S/up.sh)"
up_env=$("$SHARED_K8S/up.sh")
eval "$up_env"
: "${KUBECONFIG:?up.sh did not export KUBECONFIG}"

log "preparing kube-api-test ($SHARED_K8S/kube-api-test.sh)"
api_env=$("$SHARED_K8S/kube-api-test.sh")
eval "$api_env"
: "${KUBE_API_TEST_DIR:?kube-api-test.sh did not export KUBE_API_TEST_DIR}"

modules=operator
if [ -f node/Dockerfile ]; then
  modules=node,operator
fi
log "packaging $modules (tests run later, in the build proper)"
./mvnw -B -ntp -q -pl "$modules" -am package -DskipTests >&2

log "building $OPERATOR_IMAGE on $BASE_IMAGE"
docker build -q --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$OPERATOR_IMAGE" -f operator/Dockerfile operator >&2
if [ -f node/Dockerfile ]; then
  log "building $NODE_IMAGE on $BASE_IMAGE"
  docker build -q --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$NODE_IMAGE" -f node/Dockerfile node >&2
else
  log "no node/Dockerfile yet: the end-to-end tests that need $NODE_IMAGE will skip"
fi

log "ready"
echo "export KUBECONFIG=$KUBECONFIG KUBE_API_TEST_DIR=$KUBE_API_TEST_DIR RAFTKV_OPERATOR_IMAGE=$OPERATOR_IMAGE RAFTKV_NODE_IMAGE=$NODE_IMAGE"
