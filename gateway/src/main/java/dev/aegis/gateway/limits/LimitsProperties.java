package dev.aegis.gateway.limits;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param requestsPerPeriod API calls one user may make per {@code period} (a token bucket: the
 *                          whole allowance may be spent at once, it then refills gradually)
 * @param period            refill period of the bucket
 * @param maxBody           largest request body accepted
 * @param trackedUsers      buckets kept in memory at most (idle ones expire after a period)
 */
@ConfigurationProperties("aegis.gateway.limits")
public record LimitsProperties(
        @DefaultValue("120") long requestsPerPeriod,
        @DefaultValue("1m") Duration period,
        @DefaultValue("25MB") DataSize maxBody,
        @DefaultValue("100000") long trackedUsers) {
}
