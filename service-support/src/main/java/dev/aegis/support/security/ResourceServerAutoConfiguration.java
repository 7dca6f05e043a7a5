package dev.aegis.support.security;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.config.annotation.method.configuration.EnableReactiveMethodSecurity;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.web.reactive.function.client.WebClient;

import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;

import tools.jackson.databind.json.JsonMapper;

/**
 * Every service is a resource server of its own: a request that bypasses the gateway is still
 * refused unless it carries a token of our realm (issuer), for our API (audience), unexpired and
 * correctly signed. Unsigned ({@code alg: none}) tokens never pass Nimbus' JWS processing.
 */
@AutoConfiguration(beforeName =
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration")
@EnableConfigurationProperties(SecurityProperties.class)
@EnableWebFluxSecurity
@EnableReactiveMethodSecurity
@ConditionalOnProperty(name = "aegis.security.resource-server", havingValue = "true", matchIfMissing = true)
public class ResourceServerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ReactiveJwtDecoder jwtDecoder(
            @Value("${spring.security.oauth2.resourceserver.jwt.issuer-uri}") String issuer,
            @Value("${spring.security.oauth2.resourceserver.jwt.jwk-set-uri:}") String configuredJwkSetUri,
            SecurityProperties properties) {
        // Keycloak's certificate endpoint is derived, not discovered, so a service starts (and
        // reports ready) while Keycloak is still starting; keys are fetched on the first token.
        // In a cluster the keys come from the in-cluster address while the issuer stays public.
        String jwkSetUri = configuredJwkSetUri.isBlank()
                ? issuer.replaceAll("/+$", "") + "/protocol/openid-connect/certs"
                : configuredJwkSetUri;
        // Bounded: the decoder's default client waits for the keys without end, so a Keycloak that
        // accepts the connection and never answers held every request carrying a new key id.
        int connectMillis = (int) Math.min(Integer.MAX_VALUE, properties.keysTimeout().toMillis());
        HttpClient keysClient = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                .responseTimeout(properties.keysTimeout());
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(jwkSetUri)
                .webClient(WebClient.builder().clientConnector(new ReactorClientHttpConnector(keysClient)).build())
                .build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(issuer),
                new AudienceValidator(properties.audience())));
        // Keys that cannot be fetched surface as a bare IllegalStateException ("Could not obtain
        // the keys"), which no authentication handler sees (a 500): make it a JwtException, which
        // the resource server turns into an authentication failure (401 problem+json, see below).
        return token -> decoder.decode(token).onErrorMap(e -> !(e instanceof JwtException),
                e -> new JwtException("the token cannot be verified now: " + e.getMessage(), e));
    }

    @Bean
    @ConditionalOnMissingBean
    SecurityWebFilterChain aegisSecurityFilterChain(ServerHttpSecurity http, SecurityProperties properties,
                                                    JsonMapper jsonMapper) {
        List<String> open = new ArrayList<>(List.of("/actuator/health/**", "/actuator/health",
                "/actuator/info", "/actuator/prometheus", "/v3/api-docs/**", "/v3/api-docs",
                "/swagger-ui.html", "/swagger-ui/**", "/webjars/**"));
        open.addAll(properties.publicPaths());
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(new KeycloakRoles());
        ProblemAuthenticationHandlers problems = new ProblemAuthenticationHandlers(jsonMapper);
        // A token whose keys cannot be fetched (Keycloak down, unknown kid) fails with an
        // AuthenticationServiceException, which Spring rethrows as a bare 500 by default: it is
        // still an unverifiable token, so 401 problem+json like any other.
        ServerAuthenticationEntryPointFailureHandler failures = new ServerAuthenticationEntryPointFailureHandler(problems);
        failures.setRethrowAuthenticationServiceException(false);
        return http
                // Bearer tokens, no cookies: CSRF cannot ride on a header the browser never sends.
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .authorizeExchange(ex -> ex
                        .pathMatchers(HttpMethod.OPTIONS).permitAll()
                        .pathMatchers(open.toArray(String[]::new)).permitAll()
                        .anyExchange().authenticated())
                .oauth2ResourceServer(rs -> rs
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(
                                new ReactiveJwtAuthenticationConverterAdapter(converter)))
                        .authenticationEntryPoint(problems)
                        .authenticationFailureHandler(failures)
                        .accessDeniedHandler(problems))
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .build();
    }

    @Bean
    @ConditionalOnMissingBean
    CurrentUser currentUser() {
        return new CurrentUser();
    }
}
