package dev.aegis.adversarial;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Adversarial service. Profile {@code api}: attack and robustness endpoints. Profile
 * {@code worker}: the Kafka consumer that runs the attacks on the active model. Locally both
 * profiles are active in one process; on Kubernetes they are separate Deployments.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AdversarialApplication {

    public static void main(String[] args) {
        SpringApplication.run(AdversarialApplication.class, args);
    }
}
