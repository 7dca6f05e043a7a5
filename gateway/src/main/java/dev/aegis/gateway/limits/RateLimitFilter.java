package dev.aegis.gateway.limits;

import java.security.Principal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.aegis.gateway.problem.Problems;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import reactor.core.publisher.Mono;

/**
 * Per-user token buckets (Bucket4j) on {@code /api/**}, keyed by the token's {@code sub}, so a user
 * gets the same allowance whether calling from the portal or a script. Runs after Spring Security
 * (order -100), when the caller is known; anonymous calls never get here, they are refused first.
 * Buckets live in this process: with several gateway replicas each enforces its own share.
 */
@Component
class RateLimitFilter implements WebFilter, Ordered {

    static final String REMAINING = "X-RateLimit-Remaining";

    private final LimitsProperties limits;
    private final Cache<String, Bucket> buckets;

    RateLimitFilter(LimitsProperties limits) {
        this.limits = limits;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(limits.trackedUsers())
                .expireAfterAccess(limits.period().multipliedBy(2))
                .build();
    }

    @Override
    public int getOrder() {
        return 0;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().value().startsWith("/api/")) {
            return chain.filter(exchange);
        }
        // the chain must run exactly once: map to an Optional instead of switchIfEmpty, which
        // would also fire after the (empty) Mono<Void> of a request that went through
        return exchange.getPrincipal()
                .map(principal -> Optional.of(userId(principal)))
                .defaultIfEmpty(Optional.empty())
                .flatMap(user -> user.isEmpty() ? chain.filter(exchange)
                        : apply(exchange, chain, buckets.get(user.get(), key -> newBucket()).tryConsumeAndReturnRemaining(1)));
    }

    private Mono<Void> apply(ServerWebExchange exchange, WebFilterChain chain, ConsumptionProbe probe) {
        if (probe.isConsumed()) {
            exchange.getResponse().getHeaders().set(REMAINING, Long.toString(probe.getRemainingTokens()));
            return chain.filter(exchange);
        }
        long retryAfter = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill()) + 1);
        exchange.getResponse().getHeaders().set("Retry-After", Long.toString(retryAfter));
        exchange.getResponse().getHeaders().set(REMAINING, "0");
        return Problems.write(exchange, HttpStatus.TOO_MANY_REQUESTS, "rate-limited",
                "Too many requests: " + limits.requestsPerPeriod() + " per " + human(limits.period())
                        + " are allowed; retry after " + retryAfter + " s",
                Map.of("retryAfterSeconds", retryAfter));
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(limits.requestsPerPeriod())
                        .refillGreedy(limits.requestsPerPeriod(), limits.period())
                        .build())
                .build();
    }

    /** The Keycloak user id: the same key for a session login and for a bearer token. */
    static String userId(Principal principal) {
        if (principal instanceof OAuth2AuthenticationToken login && login.getPrincipal() instanceof OidcUser user) {
            return user.getSubject();
        }
        return principal.getName();
    }

    private static String human(Duration period) {
        return period.toSeconds() % 60 == 0 ? period.toMinutes() + " min" : period.toSeconds() + " s";
    }
}
