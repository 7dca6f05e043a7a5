package dev.aegis.inference;

import java.nio.file.Files;

import dev.aegis.inference.bench.PipelineBench;
import dev.aegis.testsupport.RealServersExtension;

/**
 * The pipeline benchmark on private real servers (started like the integration tests do) and
 * the tiny test model, for a figure without a running local stack. Not a test: run its main.
 */
public final class BenchOnRealServers {

    private BenchOnRealServers() {
    }

    public static void main(String[] args) throws Exception {
        RealServersExtension.kafka();
        RealServersExtension.mongo();
        RealServersExtension.s3();
        System.setProperty("aegis.models.bootstrap-dir", TinyModel.bootstrapRoot().toString());
        System.setProperty("aegis.models.cache-dir", Files.createTempDirectory("aegis-bench-cache").toString());
        // without a local stack there is no demo data set to draw the photos from
        if (System.getProperty("bench.inputs") == null) {
            System.setProperty("bench.inputs", "noise");
        }
        PipelineBench.main(args);
    }
}
