package dev.aegis.support.ids;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.util.IdGenerator;

/** The {@link IdGenerator} every service creates its records' ids with. */
@AutoConfiguration
public class IdAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    IdGenerator idGenerator() {
        return new TimeOrderedIdGenerator();
    }
}
