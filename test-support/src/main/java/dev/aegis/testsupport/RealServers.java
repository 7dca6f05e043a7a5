package dev.aegis.testsupport;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Starts the given real servers (own OS processes, free ports) once per test JVM and publishes
 * their endpoints as Spring system properties before any Spring context starts.
 * Put it ABOVE {@code @SpringBootTest} so its extension runs first.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RealServersExtension.class)
public @interface RealServers {

    Server[] value() default {Server.KAFKA, Server.MONGO, Server.S3, Server.KEYCLOAK};
}
