package dev.aegis.localstack;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One of our Spring Boot services, run from its fat jar with its endpoints in environment variables. */
public final class SpringBootService extends ServerProcess {

    private final String module;
    private final String portVariable;
    private final int port;
    private final String profiles;
    private final Map<String, String> env;

    public SpringBootService(StackPaths paths, String name, String module, String portVariable, int port,
                             String profiles, Map<String, String> env, boolean detach) {
        super(name, paths, detach);
        this.module = module;
        this.portVariable = portVariable;
        this.port = port;
        this.profiles = profiles;
        this.env = env;
    }

    public String module() {
        return module;
    }

    /** The Boot fat jar, e.g. inference-service/target/inference-service-0.1.0-SNAPSHOT.jar. */
    public Optional<Path> jar() {
        Path target = paths.root().resolve(module).resolve("target");
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, module + "-*.jar")) {
            for (Path jar : jars) {
                String n = jar.getFileName().toString();
                if (!n.endsWith("-plain.jar") && !n.endsWith("-sources.jar") && !n.endsWith("-javadoc.jar")
                        && !n.endsWith("-tests.jar")) {
                    found.add(jar);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        // a module may also keep its plain library jar next to the fat one (e.g. classifier -exec)
        return found.stream().filter(SpringBootService::isExecutable)
                .max((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified()));
    }

    private static boolean isExecutable(Path jar) {
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest manifest = file.getManifest();
            if (manifest == null || manifest.getMainAttributes().getValue("Main-Class") == null) {
                return false;
            }
            // a jar repackaged twice starts Boot's launcher from itself until the stack overflows
            String start = manifest.getMainAttributes().getValue("Start-Class");
            return start == null || !start.startsWith("org.springframework.boot.loader.");
        } catch (IOException e) {
            return false;
        }
    }

    public boolean isBuilt() {
        return jar().isPresent();
    }

    @Override
    public Map<String, Integer> ports() {
        return Map.of(portVariable, port);
    }

    @Override
    public String url() {
        return "http://localhost:" + port;
    }

    @Override
    public boolean isHealthy() {
        return Probes.httpStatus("http://127.0.0.1:" + port + "/actuator/health") == 200;
    }

    @Override
    protected List<String> command() {
        Path jar = jar().orElseThrow(() -> new StartupException(name, "not built (no jar in " + module + "/target)"));
        // C1 only even in the local stack: with the optimising compiler four services starting
        // at once on 2 cores took twice as long (inference 49 s instead of 23 s)
        return List.of(java(), "-Xms64m", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
                "--spring.profiles.active=" + profiles);
    }

    @Override
    protected Map<String, String> environment() {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.put("SERVER_PORT", String.valueOf(port));
        return all;
    }
}
