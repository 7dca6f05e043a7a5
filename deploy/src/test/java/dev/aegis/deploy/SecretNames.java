package dev.aegis.deploy;

import java.util.Set;

/** The Secrets the manifests may reference, and who makes them. */
final class SecretNames {

    /** Made by deploy/k8s/secrets (from files kept out of git) or an equivalent tool. */
    static final Set<String> GENERATED = Set.of("aegis-minio-env", "aegis-minio-user", "aegis-mongodb-password",
            "aegis-keycloak-db", "aegis-keycloak-admin", "aegis-oidc-clients");

    /** Made by an operator from the above: the MongoDB connection string. */
    static final Set<String> OPERATOR_MADE = Set.of("aegis-mongodb-uri");

    /** TLS certificates for the ingress (cert-manager or the operator's own process). */
    static final Set<String> TLS = Set.of("aegis-gateway-tls", "aegis-keycloak-tls");

    private SecretNames() {
    }
}
