package dev.aegis.gateway.security;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.web.server.logout.OidcClientInitiatedServerLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.ReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.web.server.DefaultServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationSuccessHandler;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.authentication.logout.DelegatingServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.SecurityContextServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.WebSessionServerLogoutHandler;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter.Mode;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.session.CookieWebSessionIdResolver;
import org.springframework.web.server.session.WebSessionIdResolver;

import dev.aegis.gateway.problem.Problems;
import reactor.core.publisher.Mono;

/**
 * One filter chain for both kinds of caller. Browsers log in through Keycloak and keep only a
 * session cookie (the gateway holds their tokens and relays them); programs send a bearer token,
 * which is checked here and again by each service.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    static final String REGISTRATION_ID = "keycloak";

    private static final Set<HttpMethod> SAFE_METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD,
            HttpMethod.OPTIONS, HttpMethod.TRACE);

    @Bean
    ReactiveJwtDecoder jwtDecoder(OidcProperties oidc) {
        return TokenValidation.decoder(oidc);
    }

    /**
     * Built from the issuer rather than discovered, so the gateway starts (and answers health
     * checks) while Keycloak is still starting.
     */
    @Bean
    ReactiveClientRegistrationRepository clientRegistrations(OidcProperties oidc) {
        ClientRegistration keycloak = ClientRegistration.withRegistrationId(REGISTRATION_ID)
                .clientName("Aegis")
                .clientId(oidc.clientId())
                .clientSecret(oidc.clientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                .scope("openid", "profile", "email")
                .issuerUri(oidc.issuer())
                .authorizationUri(oidc.publicEndpoint("auth"))
                .tokenUri(oidc.endpoint("token"))
                .jwkSetUri(oidc.endpoint("certs"))
                .userInfoUri(oidc.endpoint("userinfo"))
                .userNameAttributeName("preferred_username")
                .providerConfigurationMetadata(Map.of("end_session_endpoint", oidc.publicEndpoint("logout")))
                .clientSettings(ClientRegistration.ClientSettings.builder().requireProofKey(true).build())
                .build();
        return new InMemoryReactiveClientRegistrationRepository(keycloak);
    }

    /**
     * Roles come from the access token (Keycloak does not put them in the ID token), decoded with
     * the same rules as a bearer token: the token we relay is one the services will accept.
     */
    @Bean
    ReactiveOAuth2UserService<OidcUserRequest, OidcUser> oidcUserService(ReactiveJwtDecoder jwtDecoder) {
        OidcReactiveOAuth2UserService delegate = new OidcReactiveOAuth2UserService();
        return request -> delegate.loadUser(request)
                .zipWith(jwtDecoder.decode(request.getAccessToken().getTokenValue()))
                .map(pair -> {
                    OidcUser user = pair.getT1();
                    List<GrantedAuthority> authorities = new ArrayList<>(user.getAuthorities());
                    authorities.addAll(KeycloakRoles.authorities(pair.getT2().getClaims()));
                    return new DefaultOidcUser(authorities, user.getIdToken(), user.getUserInfo(),
                            "preferred_username");
                });
    }

    @Bean
    WebSessionIdResolver webSessionIdResolver() {
        CookieWebSessionIdResolver resolver = new CookieWebSessionIdResolver();
        resolver.setCookieName("AEGIS_SESSION");
        // HttpOnly and Secure-on-HTTPS are the resolver's defaults; Lax keeps cross-site POSTs out
        resolver.addCookieInitializer(cookie -> cookie.httpOnly(true).sameSite("Lax").path("/"));
        return resolver;
    }

    @Bean
    @Order(0)
    SecurityWebFilterChain gatewaySecurity(ServerHttpSecurity http, ReactiveJwtDecoder jwtDecoder,
            ReactiveClientRegistrationRepository registrations,
            ReactiveOAuth2UserService<OidcUserRequest, OidcUser> oidcUserService, OidcProperties oidc) {
        ServerAuthenticationEntryPoint unauthorized = (exchange, ex) -> {
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            return Problems.write(exchange, HttpStatus.UNAUTHORIZED, "unauthorized",
                    "Log in, or send a valid bearer token for audience " + oidc.audience());
        };
        // an AuthenticationServiceException (keys unreachable) is still an unverifiable token: 401, not a rethrown 500
        ServerAuthenticationEntryPointFailureHandler tokenFailures = new ServerAuthenticationEntryPointFailureHandler(unauthorized);
        tokenFailures.setRethrowAuthenticationServiceException(false);
        ServerAccessDeniedHandler forbidden = (exchange, ex) -> Problems.write(exchange, HttpStatus.FORBIDDEN,
                "forbidden", "Your account does not have the role this operation needs");

        DefaultServerOAuth2AuthorizationRequestResolver authorizationRequests =
                new DefaultServerOAuth2AuthorizationRequestResolver(registrations);

        OidcClientInitiatedServerLogoutSuccessHandler keycloakLogout =
                new OidcClientInitiatedServerLogoutSuccessHandler(registrations);
        keycloakLogout.setPostLogoutRedirectUri("{baseUrl}/");

        http.authorizeExchange(exchanges -> exchanges
                        .pathMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .pathMatchers("/actuator/**").denyAll()
                        // model management is for admins; reading models is for every user
                        .pathMatchers(HttpMethod.POST, "/api/models/**").hasRole("admin")
                        .pathMatchers(HttpMethod.PUT, "/api/models/**").hasRole("admin")
                        .pathMatchers(HttpMethod.PATCH, "/api/models/**").hasRole("admin")
                        .pathMatchers(HttpMethod.DELETE, "/api/models/**").hasRole("admin")
                        .pathMatchers("/api/**").authenticated()
                        // the portal's assets, login and logout endpoints
                        .anyExchange().permitAll())
                .oauth2Login(login -> login
                        .authorizationRequestResolver(authorizationRequests)
                        .authenticationSuccessHandler(new RedirectServerAuthenticationSuccessHandler("/")))
                .oauth2ResourceServer(rs -> rs
                        .jwt(jwt -> jwt.jwtDecoder(jwtDecoder).jwtAuthenticationConverter(SecurityConfig::bearer))
                        .authenticationEntryPoint(unauthorized)
                        .authenticationFailureHandler(tokenFailures)
                        .accessDeniedHandler(forbidden))
                .exceptionHandling(ex -> ex.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
                .csrf(csrf -> csrf
                        .csrfTokenRepository(CookieServerCsrfTokenRepository.withHttpOnlyFalse())
                        // the SPA copies the XSRF-TOKEN cookie into X-XSRF-TOKEN as is
                        .csrfTokenRequestHandler(new ServerCsrfTokenRequestAttributeHandler())
                        .requireCsrfProtectionMatcher(SecurityConfig::needsCsrf)
                        .accessDeniedHandler((exchange, ex) -> Problems.write(exchange, HttpStatus.FORBIDDEN,
                                "csrf", "Missing or wrong CSRF token: send the XSRF-TOKEN cookie's value in X-XSRF-TOKEN")))
                .logout(logout -> logout
                        .logoutUrl("/logout")
                        .logoutHandler(new DelegatingServerLogoutHandler(new SecurityContextServerLogoutHandler(),
                                new WebSessionServerLogoutHandler()))
                        .logoutSuccessHandler(keycloakLogout))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(contentSecurityPolicy(oidc)))
                        .frameOptions(frame -> frame.mode(Mode.DENY))
                        .referrerPolicy(ref -> ref.policy(ReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN))
                        // written only on HTTPS requests (Spring checks the scheme)
                        .hsts(hsts -> hsts.maxAge(Duration.ofDays(365)).includeSubdomains(true)));
        return http.build();
    }

    /** Makes the lazily created CSRF token materialise, so its cookie reaches the SPA. */
    @Bean
    WebFilter csrfCookieWriter() {
        return (exchange, chain) -> {
            Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
            return (token != null ? token.then() : Mono.<Void>empty()).then(chain.filter(exchange));
        };
    }

    private static Mono<AbstractAuthenticationToken> bearer(Jwt jwt) {
        return Mono.just(new JwtAuthenticationToken(jwt, KeycloakRoles.authorities(jwt.getClaims()), jwt.getSubject()));
    }

    /**
     * State-changing browser calls need the CSRF token. A call with an Authorization header is a
     * program's: browsers never attach that header on their own, so there is nothing to forge.
     */
    private static Mono<MatchResult> needsCsrf(org.springframework.web.server.ServerWebExchange exchange) {
        var request = exchange.getRequest();
        boolean safe = SAFE_METHODS.contains(request.getMethod());
        String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        boolean bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
        return safe || bearer ? MatchResult.notMatch() : MatchResult.match();
    }

    private static String contentSecurityPolicy(OidcProperties oidc) {
        URI issuer = URI.create(oidc.issuer());
        String keycloakOrigin = issuer.getScheme() + "://" + issuer.getAuthority();
        // form-action covers the logout form, whose answer redirects to Keycloak
        return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; "
                + "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
                + "form-action 'self' " + keycloakOrigin;
    }

}
