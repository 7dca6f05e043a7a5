package dev.aegis.adversarial;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the adversarial service.
 *
 * @param maxSteps          upper bound of BIM/PGD iterations a caller may ask for
 * @param defaultSteps      iterations when a BIM/PGD request names none
 * @param maxUploadBytes    largest accepted upload
 * @param maxWait           longest {@code ?wait=} long-poll
 * @param modelCacheDir     where workers keep downloaded model versions
 * @param maxRobustnessImages largest image set of one robustness report
 * @param maxRobustnessEpsilons most epsilons in one robustness report
 * @param topicPartitions   partitions of the topics this service creates
 * @param topicReplicas     replication factor of the topics this service creates
 */
@ConfigurationProperties("aegis.adversarial")
public record AdversarialProperties(
        Integer maxSteps,
        Integer defaultSteps,
        Long maxUploadBytes,
        Duration maxWait,
        Path modelCacheDir,
        Integer maxRobustnessImages,
        Integer maxRobustnessEpsilons,
        Integer topicPartitions,
        Short topicReplicas) {

    public AdversarialProperties {
        maxSteps = maxSteps == null ? 1000 : maxSteps;
        defaultSteps = defaultSteps == null ? 10 : defaultSteps;
        maxUploadBytes = maxUploadBytes == null ? 10L * 1024 * 1024 : maxUploadBytes;
        maxWait = maxWait == null ? Duration.ofSeconds(30) : maxWait;
        modelCacheDir = modelCacheDir == null
                ? Path.of(System.getProperty("java.io.tmpdir"), "aegis-adversarial-models") : modelCacheDir;
        maxRobustnessImages = maxRobustnessImages == null ? 200 : maxRobustnessImages;
        maxRobustnessEpsilons = maxRobustnessEpsilons == null ? 12 : maxRobustnessEpsilons;
        topicPartitions = topicPartitions == null ? 3 : topicPartitions;
        topicReplicas = topicReplicas == null ? (short) 1 : topicReplicas;
    }

    public static AdversarialProperties defaults() {
        return new AdversarialProperties(null, null, null, null, null, null, null, null, null);
    }
}
