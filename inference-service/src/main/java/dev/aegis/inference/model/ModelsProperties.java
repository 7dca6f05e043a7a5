package dev.aegis.inference.model;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The model registry ({@code aegis.models.*}).
 *
 * @param cacheDir        where a worker keeps the model versions it downloaded
 * @param bootstrapDir    a folder holding {@code <name>/<version>/model-card.json}, registered and
 *                        activated on first start when the registry is empty (env
 *                        {@code AEGIS_MODELS_BOOTSTRAP_DIR})
 * @param intraOpThreads  TensorFlow threads per op (0 = all cores)
 * @param maxUploadSize   largest model zip an admin may upload
 */
@ConfigurationProperties("aegis.models")
public record ModelsProperties(Path cacheDir, Path bootstrapDir, Integer intraOpThreads, DataSize maxUploadSize) {

    public ModelsProperties {
        cacheDir = cacheDir == null ? Path.of(System.getProperty("java.io.tmpdir"), "aegis-model-cache") : cacheDir;
        intraOpThreads = intraOpThreads == null ? 0 : intraOpThreads;
        maxUploadSize = maxUploadSize == null ? DataSize.ofMegabytes(300) : maxUploadSize;
    }
}
