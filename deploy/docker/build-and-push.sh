#!/usr/bin/env sh
# Builds and pushes the Aegis images. Run from the repository root on a machine with Docker
# (BuildKit). usage: deploy/docker/build-and-push.sh REGISTRY VERSION
#   e.g. deploy/docker/build-and-push.sh registry.example.com/aegis 0.1.0
set -eu
registry=${1:?registry prefix, e.g. registry.example.com/aegis}
version=${2:?image version, e.g. 0.1.0}
jar_version=$(./mvnw -q help:evaluate -Dexpression=project.version -DforceStdout)
# the runnable Boot jar: `-exec` where the module keeps its plain jar as the main artifact
jar() { if [ -f "$1/target/$1-$jar_version-exec.jar" ]; then echo "$1/target/$1-$jar_version-exec.jar"; else echo "$1/target/$1-$jar_version.jar"; fi; }

# CPU jars for every service
./mvnw -q -pl gateway,inference-service,adversarial-service,history-service -am package -DskipTests
for s in gateway history-service; do
  docker build -f deploy/docker/$s/Dockerfile --build-arg JAR_FILE=$(jar $s) -t "$registry/$s:$version" .
done
for s in inference-service adversarial-service; do
  docker build -f deploy/docker/$s/Dockerfile --target cpu --build-arg JAR_FILE=$(jar $s) -t "$registry/$s:$version" .
done

# the workers' GPU images: same code, TensorFlow's CUDA natives (Maven profile gpu)
./mvnw -q -Pgpu -pl inference-service,adversarial-service -am package -DskipTests
for s in inference-service adversarial-service; do
  docker build -f deploy/docker/$s/Dockerfile --target gpu --build-arg JAR_FILE=$(jar $s) -t "$registry/$s:$version-gpu" .
done

for s in gateway inference-service adversarial-service history-service; do
  docker push "$registry/$s:$version"
done
for s in inference-service adversarial-service; do
  docker push "$registry/$s:$version-gpu"
done
# the next CPU build must not reuse the GPU jars
./mvnw -q -pl inference-service,adversarial-service -am package -DskipTests
