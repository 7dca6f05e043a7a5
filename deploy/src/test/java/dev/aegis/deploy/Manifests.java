package dev.aegis.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/** Renders kustomizations with the real kubectl and reads YAML the way kubectl does (multi-document). */
final class Manifests {

    static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
            .disable(YAMLWriteFeature.SPLIT_LINES)
            .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
            .build();
    static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    static final Path K8S = MODULE.resolve("k8s");
    static final List<String> OVERLAYS = List.of("base", "dev", "gpu");

    private Manifests() {
    }

    private static final Map<String, List<JsonNode>> RENDERED = new ConcurrentHashMap<>();

    /**
     * The rendered overlay ("base" renders the base itself, which is deployable as is); rendered once
     * per test JVM, callers must not change the objects.
     */
    static List<JsonNode> overlay(String name) {
        return RENDERED.computeIfAbsent(name, n -> List.copyOf(render(
                "base".equals(n) ? K8S.resolve("base") : K8S.resolve("overlays").resolve(n))));
    }

    /** `kubectl kustomize DIR`, parsed; a kustomize error fails with its message. */
    static List<JsonNode> render(Path dir) {
        String kubectl = System.getProperty("aegis.kubectl", "kubectl");
        try {
            Path err = Files.createTempFile("kustomize", ".err");
            Process p = new ProcessBuilder(kubectl, "kustomize", dir.toString())
                    .redirectError(err.toFile())
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("kubectl kustomize " + dir + " did not finish in 120 s");
            }
            String stderr = Files.readString(err);
            Files.deleteIfExists(err);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + dir + " failed (" + p.exitValue() + "):\n" + stderr);
            }
            return parse(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run '" + kubectl + " kustomize' (kubectl with kustomize must be on the PATH, "
                    + "or set -Dkubectl=/path/to/kubectl): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<JsonNode> parse(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNextValue()) {
                JsonNode doc = (JsonNode) it.nextValue();
                if (doc != null && doc.isObject() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    static List<JsonNode> parse(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every YAML file written by hand under deploy/k8s (generated secret material excluded). */
    static List<Path> sourceFiles() {
        try (Stream<Path> s = Files.walk(K8S)) {
            return s.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .filter(f -> !f.startsWith(K8S.resolve("secrets").resolve("files")))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String kind(JsonNode o) {
        return o.path("kind").asString("");
    }

    static String name(JsonNode o) {
        return o.path("metadata").path("name").asString("");
    }

    static String id(JsonNode o) {
        return kind(o) + "/" + name(o);
    }

    static Stream<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(kind(d)));
    }

    static JsonNode one(List<JsonNode> docs, String kind, String name) {
        return find(docs, kind, name).orElseThrow(() -> new AssertionError("no " + kind + "/" + name));
    }

    static Optional<JsonNode> find(List<JsonNode> docs, String kind, String name) {
        return ofKind(docs, kind).filter(d -> name.equals(name(d))).findFirst();
    }

    /** Pod template of workload kinds, null otherwise. */
    static JsonNode podSpec(JsonNode o) {
        return switch (kind(o)) {
            case "Deployment", "StatefulSet" -> o.path("spec").path("template").path("spec");
            default -> null;
        };
    }

    static Stream<JsonNode> containers(JsonNode podSpec) {
        List<JsonNode> all = new ArrayList<>();
        podSpec.path("initContainers").forEach(all::add);
        podSpec.path("containers").forEach(all::add);
        return all.stream();
    }

    static Predicate<JsonNode> label(String key, String value) {
        return d -> value.equals(d.path("metadata").path("labels").path(key).asString(null));
    }

    static ObjectNode deepCopy(JsonNode n) {
        return (ObjectNode) n.deepCopy();
    }
}
