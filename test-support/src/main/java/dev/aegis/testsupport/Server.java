package dev.aegis.testsupport;

/** The real servers an integration test can ask for with {@link RealServers}. */
public enum Server {
    KAFKA, MONGO, S3, KEYCLOAK
}
