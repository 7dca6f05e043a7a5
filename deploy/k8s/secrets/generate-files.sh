#!/usr/bin/env sh
# Creates random secret files for deploy/k8s/secrets (kept out of git by .gitignore).
# usage: deploy/k8s/secrets/generate-files.sh https://aegis.example.com
set -eu
cd "$(dirname "$0")"
public_url=${1:?public URL of the gateway, e.g. https://aegis.example.com}
mkdir -p files
umask 077
rand() { head -c 32 /dev/urandom | base64 | tr -d '/+=\n' | head -c "${1:-32}"; }
new() { [ -s "files/$1" ] || printf '%s' "$2" > "files/$1"; }
new minio-access-key "aegis-$(rand 12)"
new minio-secret-key "$(rand 40)"
[ -s files/minio-config.env ] || printf 'export MINIO_ROOT_USER=%s\nexport MINIO_ROOT_PASSWORD=%s\n' "root-$(rand 12)" "$(rand 40)" > files/minio-config.env
new mongodb-password "$(rand 32)"
new keycloak-db-username keycloak
new keycloak-db-password "$(rand 32)"
new keycloak-admin-username admin
new keycloak-admin-password "$(rand 32)"
new gateway-client-secret "$(rand 40)"
new batch-client-secret "$(rand 40)"
printf '%s' "$public_url" > files/public-url
echo "secret files written under $(pwd)/files (existing ones kept)"
