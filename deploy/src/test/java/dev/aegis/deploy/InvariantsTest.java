package dev.aegis.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** Properties the schemas cannot express: scaling bounds, probes, limits, shutdown, exposure, secrets. */
class InvariantsTest {

    private static final Set<String> WORKERS = Set.of("inference-worker", "adversarial-worker");
    private static final Set<String> APIS = Set.of("gateway", "inference-api", "adversarial-api", "history");
    /** Options of KEDA's kafka scaler (metadata is a free string map in the CRD: check the names here). */
    private static final Set<String> KAFKA_TRIGGER_KEYS = Set.of("bootstrapServers", "consumerGroup", "topic",
            "lagThreshold", "activationLagThreshold", "offsetResetPolicy", "allowIdleConsumers",
            "scaleToZeroOnInvalidOffset", "excludePersistentLag", "limitToPartitionsWithLag",
            "ensureEvenDistributionOfPartitions", "partitionLimitation", "sasl", "tls", "version");

    @ParameterizedTest
    @ValueSource(strings = {"base", "dev", "gpu"})
    void workersNeverScaleBeyondThePartitionsOfTheirTopic(String overlay) {
        List<JsonNode> docs = Manifests.overlay(overlay);
        Map<String, Integer> partitions = partitions(docs);
        String bootstrap = Manifests.one(docs, "ConfigMap", "aegis-endpoints").path("data")
                .path("SPRING_KAFKA_BOOTSTRAP_SERVERS").asString();

        List<JsonNode> scaledObjects = Manifests.ofKind(docs, "ScaledObject").toList();
        assertThat(scaledObjects).extracting(o -> o.path("spec").path("scaleTargetRef").path("name").asString())
                .containsExactlyInAnyOrderElementsOf(WORKERS);
        for (JsonNode so : scaledObjects) {
            int max = so.path("spec").path("maxReplicaCount").asInt();
            JsonNode worker = Manifests.one(docs, "Deployment", so.path("spec").path("scaleTargetRef").path("name").asString());
            assertThat(so.path("spec").path("triggers")).as("%s triggers", Manifests.name(so)).isNotEmpty();
            for (JsonNode trigger : so.path("spec").path("triggers")) {
                assertThat(trigger.path("type").asString()).isEqualTo("kafka");
                JsonNode md = trigger.path("metadata");
                assertThat(md.propertyNames()).as("kafka trigger options of %s", Manifests.name(so))
                        .isSubsetOf(KAFKA_TRIGGER_KEYS);
                String topic = md.path("topic").asString();
                assertThat(partitions).as("KafkaTopic for %s", topic).containsKey(topic);
                // every listener thread of every pod gets a partition, or it idles while the lag grows
                int threads = Integer.parseInt(envOr(worker, "AEGIS_INFERENCE_WORKER_CONCURRENCY", "1"));
                assertThat(max * threads).as("%s maxReplicaCount x listener threads vs partitions of %s in %s",
                        Manifests.name(so), topic, overlay).isPositive().isLessThanOrEqualTo(partitions.get(topic));
                assertThat(Integer.parseInt(md.path("lagThreshold").asString())).isPositive();
                assertThat(Integer.parseInt(md.path("activationLagThreshold").asString())).isNotNegative();
                assertThat(md.path("bootstrapServers").asString()).isEqualTo(bootstrap);
                // KEDA must measure the lag of the group the worker really joins
                String group = md.path("consumerGroup").asString();
                assertThat(worker.at("/spec/template/metadata/annotations/aegis.dev~1kafka-consumer-group").asString())
                        .isEqualTo(group);
                assertThat(listenerGroups(Manifests.name(worker))).as("consumer groups in the service's code").contains(group);
            }
        }
        // attacks are rare: their workers cost nothing while idle
        assertThat(Manifests.one(docs, "ScaledObject", "adversarial-worker").path("spec").path("minReplicaCount").asInt(-1))
                .isZero();
        assertThat(Manifests.one(docs, "ScaledObject", "inference-worker").path("spec").path("minReplicaCount").asInt(-1))
                .isGreaterThanOrEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "dev", "gpu"})
    void apisScaleWithAnHpaAndResultConsumersStayWithinPartitions(String overlay) {
        List<JsonNode> docs = Manifests.overlay(overlay);
        Map<String, Integer> partitions = partitions(docs);
        Map<String, JsonNode> hpas = new HashMap<>();
        Manifests.ofKind(docs, "HorizontalPodAutoscaler").forEach(h -> hpas.put(h.path("spec").path("scaleTargetRef").path("name").asString(), h));

        assertThat(hpas.keySet()).containsExactlyInAnyOrderElementsOf(APIS);
        hpas.values().forEach(h -> assertThat(h.path("spec").path("minReplicas").asInt())
                .isPositive().isLessThanOrEqualTo(h.path("spec").path("maxReplicas").asInt()));
        // API pods of one service share a consumer group on the result topics: pods beyond the
        // partitions would get no partition and statuses would lag behind under load
        Map<String, List<String>> consumes = Map.of(
                "history", List.of("aegis.predictions.results", "aegis.attacks.results"),
                "inference-api", List.of("aegis.predictions.results"),
                "adversarial-api", List.of("aegis.attacks.results"));
        consumes.forEach((api, topics) -> topics.forEach(t -> assertThat(hpas.get(api).path("spec").path("maxReplicas").asInt())
                .as("%s maxReplicas vs partitions of %s in %s", api, t, overlay).isLessThanOrEqualTo(partitions.get(t))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "dev", "gpu"})
    void everyContainerHasRequestsLimitsAndProbes(String overlay) {
        List<JsonNode> docs = Manifests.overlay(overlay);
        List<String> problems = new ArrayList<>();
        for (JsonNode o : docs) {
            JsonNode pod = Manifests.podSpec(o);
            if (pod == null) {
                continue;
            }
            Manifests.containers(pod).forEach(c -> {
                String where = Manifests.id(o) + " container " + c.path("name").asString();
                for (String kind : List.of("requests", "limits")) {
                    for (String res : List.of("cpu", "memory")) {
                        if (c.path("resources").path(kind).path(res).isMissingNode()) {
                            problems.add(where + ": no " + kind + "." + res);
                        }
                    }
                }
                for (String probe : List.of("readinessProbe", "livenessProbe")) {
                    if (!c.has(probe)) {
                        problems.add(where + ": no " + probe);
                    }
                }
            });
        }
        assertThat(problems).isEmpty();
        // resources of what the operators run
        for (JsonNode pool : Manifests.ofKind(docs, "KafkaNodePool").toList()) {
            assertThat(pool.at("/spec/resources/limits/memory").isMissingNode()).as(Manifests.id(pool)).isFalse();
        }
        for (JsonNode tenant : Manifests.ofKind(docs, "Tenant").toList()) {
            tenant.at("/spec/pools").forEach(p -> assertThat(p.at("/resources/limits/memory").isMissingNode()).isFalse());
        }
        Manifests.ofKind(docs, "Keycloak").forEach(k -> assertThat(k.at("/spec/resources/limits/memory").isMissingNode()).isFalse());
        Manifests.ofKind(docs, "MongoDBCommunity").forEach(m -> m.at("/spec/statefulSet/spec/template/spec/containers")
                .forEach(c -> assertThat(c.at("/resources/limits/memory").isMissingNode()).as(c.path("name").asString()).isFalse()));
        JsonNode kafka = Manifests.one(docs, "Kafka", "aegis");
        for (String part : List.of("/spec/entityOperator/topicOperator", "/spec/entityOperator/userOperator", "/spec/kafkaExporter")) {
            assertThat(kafka.at(part + "/resources/limits/memory").isMissingNode()).as(part).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "dev", "gpu"})
    void servicesProbeActuatorGroupsAndShutDownGracefully(String overlay) {
        List<JsonNode> docs = Manifests.overlay(overlay);
        JsonNode endpoints = Manifests.one(docs, "ConfigMap", "aegis-endpoints").path("data");
        assertThat(endpoints.path("SERVER_SHUTDOWN").asString()).isEqualTo("graceful");
        for (String name : union(WORKERS, APIS)) {
            JsonNode d = Manifests.one(docs, "Deployment", name);
            JsonNode pod = Manifests.podSpec(d);
            JsonNode c = pod.path("containers").get(0);
            assertThat(c.at("/readinessProbe/httpGet/path").asString()).isEqualTo("/actuator/health/readiness");
            assertThat(c.at("/livenessProbe/httpGet/path").asString()).isEqualTo("/actuator/health/liveness");
            assertThat(c.at("/startupProbe/httpGet/path").asString()).isEqualTo("/actuator/health/liveness");
            assertThat(c.path("envFrom").toString()).contains("aegis-endpoints");
            // storage endpoint and storage credentials go together, and only where S3 is used
            boolean s3 = c.path("env").toString().contains("AEGIS_STORAGE_ACCESS_KEY");
            assertThat(c.path("envFrom").toString().contains("aegis-storage")).as("%s storage config", name).isEqualTo(s3);
            assertThat(s3).as("%s uses S3", name).isEqualTo(name.startsWith("inference") || name.startsWith("adversarial"));
            int preStop = c.at("/lifecycle/preStop/sleep/seconds").asInt(-1);
            assertThat(preStop).as("%s preStop sleep", name).isPositive();
            String phase = envOr(d, "SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE",
                    endpoints.path("SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE").asString());
            int shutdown = Integer.parseInt(phase.replace("s", ""));
            // the kubelet kills at terminationGracePeriodSeconds: the drain must fit before it
            assertThat(pod.path("terminationGracePeriodSeconds").asInt()).as("%s grace period", name)
                    .isGreaterThan(preStop + shutdown);
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
            assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
            assertThat(d.at("/spec/template/metadata/annotations/prometheus.io~1scrape").asString()).isEqualTo("true");
            assertThat(env(d, "SPRING_PROFILES_ACTIVE")).contains(WORKERS.contains(name) ? "worker" : "k8s");
            if (WORKERS.contains(name)) {
                assertThat(env(d, "SPRING_KAFKA_LISTENER_IMMEDIATE_STOP")).isEqualTo("false");
            }
        }
        // a worker holds a batch: it gets longer than an API call
        assertThat(Manifests.podSpec(Manifests.one(docs, "Deployment", "inference-worker")).path("terminationGracePeriodSeconds").asInt())
                .isGreaterThan(Manifests.podSpec(Manifests.one(docs, "Deployment", "inference-api")).path("terminationGracePeriodSeconds").asInt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "dev", "gpu"})
    void everyDeploymentHasADisruptionBudgetThatSelectsIt(String overlay) {
        List<JsonNode> docs = Manifests.overlay(overlay);
        List<JsonNode> pdbs = Manifests.ofKind(docs, "PodDisruptionBudget").toList();
        for (JsonNode d : Manifests.ofKind(docs, "Deployment").toList()) {
            JsonNode labels = d.at("/spec/template/metadata/labels");
            assertThat(pdbs).as("PDB for %s", Manifests.name(d)).anySatisfy(p -> {
                JsonNode sel = p.at("/spec/selector/matchLabels");
                assertThat(sel.isEmpty()).isFalse();
                sel.properties().forEach(e -> assertThat(labels.path(e.getKey()).asString()).isEqualTo(e.getValue().asString()));
                // a budget that never allows an eviction blocks node drains
                if (p.at("/spec/minAvailable").isInt()) {
                    assertThat(p.at("/spec/minAvailable").asInt()).isLessThan(d.at("/spec/replicas").asInt(1) + 1);
                }
            });
        }
    }

    @Test
    void gpuWorkersRequestAGpuAndRunTheGpuImageWhileDevHasNone() {
        List<JsonNode> gpu = Manifests.overlay("gpu");
        for (String name : WORKERS) {
            JsonNode c = Manifests.podSpec(Manifests.one(gpu, "Deployment", name)).path("containers").get(0);
            assertThat(c.at("/resources/limits/nvidia.com~1gpu").asString()).isEqualTo("1");
            assertThat(c.at("/resources/requests/nvidia.com~1gpu").asString()).isEqualTo("1");
            assertThat(c.path("image").asString()).endsWith("-gpu");
            // the overlay's env entries merge into the base's, they do not replace them
            assertThat(env(Manifests.one(gpu, "Deployment", name), "SPRING_PROFILES_ACTIVE")).contains("worker");
            assertThat(Manifests.podSpec(Manifests.one(gpu, "Deployment", name)).path("tolerations").toString())
                    .contains("nvidia.com/gpu");
        }
        for (String name : APIS) {
            JsonNode c = Manifests.podSpec(Manifests.one(gpu, "Deployment", name)).path("containers").get(0);
            assertThat(c.toString()).doesNotContain("nvidia.com/gpu");
            assertThat(c.path("image").asString()).doesNotEndWith("-gpu");
        }
        assertThat(Manifests.overlay("dev").toString()).doesNotContain("nvidia.com/gpu");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "dev", "gpu"})
    void onlyTheGatewayIsReachableFromOutside(String overlay) {
        List<JsonNode> docs = Manifests.overlay(overlay);
        List<JsonNode> policies = Manifests.ofKind(docs, "NetworkPolicy").toList();

        JsonNode deny = Manifests.one(docs, "NetworkPolicy", "default-deny-ingress");
        assertThat(deny.at("/spec/podSelector").isEmpty()).isTrue();
        assertThat(deny.at("/spec/policyTypes").toString()).contains("Ingress");
        assertThat(deny.at("/spec/ingress").isMissingNode()).isTrue();

        for (JsonNode s : Manifests.ofKind(docs, "Service").toList()) {
            assertThat(s.at("/spec/type").asString("ClusterIP")).as(Manifests.id(s)).isEqualTo("ClusterIP");
        }
        // the ingress controller may reach the gateway, and Keycloak's browser paths; nothing else
        for (JsonNode p : policies) {
            boolean fromIngress = p.at("/spec/ingress").toString().contains("ingress-nginx");
            if (fromIngress) {
                assertThat(Manifests.name(p)).isIn("gateway-from-ingress", "keycloak");
            }
        }
        Set<String> exposed = new HashSet<>();
        Manifests.ofKind(docs, "Ingress").forEach(i -> i.at("/spec/rules").forEach(r -> r.at("/http/paths")
                .forEach(p -> exposed.add(p.at("/backend/service/name").asString() + p.path("path").asString()))));
        assertThat(exposed).containsExactlyInAnyOrder("gateway/", "aegis-keycloak-service/realms/",
                "aegis-keycloak-service/resources/");
        // in-memory browser sessions: several gateway pods need sticky routing
        if (Manifests.one(docs, "HorizontalPodAutoscaler", "gateway").at("/spec/maxReplicas").asInt() > 1) {
            assertThat(Manifests.one(docs, "Ingress", "gateway").at("/metadata/annotations/nginx.ingress.kubernetes.io~1affinity").asString())
                    .isEqualTo("cookie");
        }
        // Strimzi writes Kafka's listener policy from these peers: Aegis pods and KEDA only
        JsonNode peers = Manifests.one(docs, "Kafka", "aegis").at("/spec/kafka/listeners/0/networkPolicyPeers");
        assertThat(peers.toString()).contains("app.kubernetes.io/part-of", "keda");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "dev", "gpu"})
    void theIssuerIsTheAddressBrowsersUseForKeycloak(String overlay) {
        List<JsonNode> docs = Manifests.overlay(overlay);
        URI issuer = URI.create(Manifests.one(docs, "ConfigMap", "aegis-endpoints").at("/data/SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI").asString());
        URI keycloak = URI.create(Manifests.one(docs, "Keycloak", "aegis-keycloak").at("/spec/hostname/hostname").asString());
        String ingressHost = Manifests.one(docs, "Ingress", "keycloak").at("/spec/rules/0/host").asString();

        assertThat(issuer.getHost()).isEqualTo(keycloak.getHost()).isEqualTo(ingressHost);
        assertThat(issuer.getPath()).isEqualTo("/realms/aegis");
        assertThat(Manifests.one(docs, "KeycloakRealmImport", "aegis-realm").at("/spec/keycloakCRName").asString())
                .isEqualTo("aegis-keycloak");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "dev", "gpu"})
    void everyReferencedSecretIsOneTheInstallationCreates(String overlay) {
        List<JsonNode> docs = Manifests.overlay(overlay);
        Set<String> known = union(union(SecretNames.GENERATED, SecretNames.OPERATOR_MADE), SecretNames.TLS);
        Set<String> referenced = new HashSet<>();
        Pattern ref = Pattern.compile("\"secretKeyRef\":\\{[^}]*\"name\":\"([^\"]+)\"");
        for (JsonNode o : docs) {
            Matcher m = ref.matcher(o.toString());
            while (m.find()) {
                referenced.add(m.group(1));
            }
        }
        referenced.add(Manifests.one(docs, "Tenant", "aegis-minio").at("/spec/configuration/name").asString());
        Manifests.one(docs, "Tenant", "aegis-minio").at("/spec/users").forEach(u -> referenced.add(u.path("name").asString()));
        JsonNode kc = Manifests.one(docs, "Keycloak", "aegis-keycloak").path("spec");
        referenced.add(kc.at("/db/passwordSecret/name").asString());
        referenced.add(kc.at("/bootstrapAdmin/user/secret").asString());
        Manifests.one(docs, "KeycloakRealmImport", "aegis-realm").at("/spec/placeholders")
                .forEach(p -> referenced.add(p.at("/secret/name").asString()));
        Manifests.one(docs, "MongoDBCommunity", "aegis-mongodb").at("/spec/users")
                .forEach(u -> referenced.add(u.at("/passwordSecretRef/name").asString()));
        Manifests.ofKind(docs, "Ingress").forEach(i -> i.at("/spec/tls").forEach(t -> referenced.add(t.path("secretName").asString())));

        assertThat(referenced).isSubsetOf(known).containsAll(SecretNames.GENERATED);
    }

    @Test
    void noSecretLiteralInThePlainManifests() {
        Pattern sensitive = Pattern.compile("(?i).*(password|secret|token|credential|access_key|secret_key|private).*");
        List<String> problems = new ArrayList<>();
        for (Path file : Manifests.sourceFiles()) {
            for (JsonNode doc : Manifests.parse(file)) {
                String where = Manifests.K8S.relativize(file) + " " + Manifests.id(doc);
                if ("Secret".equals(Manifests.kind(doc)) || doc.has("stringData")
                        || ("Secret".equals(Manifests.kind(doc)) && doc.has("data"))) {
                    problems.add(where + ": a Secret with literal data");
                }
                if ("Kustomization".equals(Manifests.kind(doc))) {
                    doc.path("secretGenerator").forEach(g -> {
                        if (g.has("literals") || g.has("envs")) {
                            problems.add(where + ": secretGenerator " + g.path("name").asString() + " must read files kept out of git");
                        }
                    });
                }
                // nor hidden in a ConfigMap (everything in one is readable by anyone who may list it)
                if ("ConfigMap".equals(Manifests.kind(doc))) {
                    doc.path("data").propertyNames().stream().filter(k -> sensitive.matcher(k).matches())
                            .forEach(k -> problems.add(where + ": ConfigMap key " + k + " looks like a credential"));
                }
                // an env var that looks like a credential must come from a Secret
                walk(doc, n -> {
                    if (n.has("name") && n.has("value") && sensitive.matcher(n.path("name").asString()).matches()) {
                        problems.add(where + ": env " + n.path("name").asString() + " has a literal value");
                    }
                });
                // and the realm import: client secrets are placeholders, users have no credentials
                if ("KeycloakRealmImport".equals(Manifests.kind(doc))) {
                    doc.at("/spec/realm/clients").forEach(c -> {
                        if (c.has("secret") && !c.path("secret").asString().matches("\\$\\{[A-Z0-9_]+}")) {
                            problems.add(where + ": client " + c.path("clientId").asString() + " has a literal secret");
                        }
                    });
                    doc.at("/spec/realm/users").forEach(u -> {
                        if (u.has("credentials")) {
                            problems.add(where + ": user " + u.path("username").asString() + " has credentials");
                        }
                    });
                }
            }
        }
        assertThat(Manifests.sourceFiles()).hasSizeGreaterThan(20);
        assertThat(problems).isEmpty();
    }

    @Test
    void everyTopicOfTheArchitectureHasAKafkaTopicAndADeadLetterTopic() throws Exception {
        String architecture = java.nio.file.Files.readString(Manifests.MODULE.resolve("../docs/architecture.md"));
        // the topic table of the "Events (Kafka)" section
        architecture = architecture.substring(architecture.indexOf("## Events"));
        architecture = architecture.substring(0, architecture.indexOf("\n## ", 1));
        Matcher m = Pattern.compile("\\| `(aegis\\.[a-z.]+)` \\|").matcher(architecture);
        Set<String> topics = new HashSet<>();
        while (m.find()) {
            topics.add(m.group(1));
        }
        assertThat(topics).hasSizeGreaterThanOrEqualTo(6);
        for (String overlay : Manifests.OVERLAYS) {
            Map<String, Integer> partitions = partitions(Manifests.overlay(overlay));
            for (String t : topics) {
                assertThat(partitions).containsKey(t).containsKey(t + ".dlt");
            }
        }
    }

    /** Group ids (literal or placeholder default) of the @KafkaListener methods of a worker's service. */
    private static Set<String> listenerGroups(String worker) {
        Path src = Manifests.MODULE.resolve("../" + worker.replace("-worker", "-service") + "/src/main/java").normalize();
        Set<String> groups = new HashSet<>();
        Pattern group = Pattern.compile("groupId\\s*=\\s*\"(?:\\$\\{[^:}]+:)?([a-z0-9.-]+)}?\"");
        try (var files = java.nio.file.Files.walk(src)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = group.matcher(java.nio.file.Files.readString(f));
                while (m.find()) {
                    groups.add(m.group(1));
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read " + src, e);
        }
        return groups;
    }

    private static Map<String, Integer> partitions(List<JsonNode> docs) {
        Map<String, Integer> partitions = new HashMap<>();
        Manifests.ofKind(docs, "KafkaTopic").forEach(t -> partitions.put(
                t.at("/spec/topicName").asString(Manifests.name(t)), t.at("/spec/partitions").asInt()));
        return partitions;
    }

    private static String env(JsonNode deployment, String name) {
        String v = envOr(deployment, name, null);
        assertThat(v).as("env %s of %s", name, Manifests.name(deployment)).isNotNull();
        return v;
    }

    private static String envOr(JsonNode deployment, String name, String fallback) {
        for (JsonNode e : deployment.at("/spec/template/spec/containers/0/env")) {
            if (name.equals(e.path("name").asString())) {
                return e.path("value").asString();
            }
        }
        return fallback;
    }

    private static void walk(JsonNode n, java.util.function.Consumer<JsonNode> visit) {
        if (n.isObject()) {
            visit.accept(n);
        }
        n.forEach(child -> walk(child, visit));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new HashSet<>(a);
        s.addAll(b);
        return s;
    }
}
