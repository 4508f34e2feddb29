package io.github.socketiojwt.example;

import io.jsonwebtoken.Jwts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;

/**
 * Checks credentials and issues HS256 tokens, off the Netty event loops: password hashing is slow on purpose.
 * Shared by {@code POST /login} and the {@code /public} namespace's {@code login} event.
 */
final class LoginService implements AutoCloseable {

    private static final int THREADS = 2;
    private static final int QUEUE = 64;

    private final Accounts accounts;
    private final SecretKey key;
    private final Duration tokenTtl;
    private final Clock clock;
    private final ThreadPoolExecutor executor;

    LoginService(Accounts accounts, SecretKey key, Duration tokenTtl, Clock clock) {
        this.accounts = accounts;
        this.key = key;
        this.tokenTtl = tokenTtl;
        this.clock = clock;
        AtomicInteger count = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUE), runnable -> {
                    Thread thread = new Thread(runnable, "example-login-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * Checks credentials on a worker thread.
     *
     * @param username the name
     * @param password the password
     * @return a stage completing with a token, or empty when the credentials are wrong; it fails with a
     *         {@link RejectedExecutionException} when too many logins are already waiting
     */
    CompletableFuture<Optional<String>> login(String username, String password) {
        try {
            return CompletableFuture.supplyAsync(() -> accounts.verify(username, password)
                    ? Optional.of(issue(username))
                    : Optional.<String>empty(), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Signs a token for a user: {@code sub} and {@code username} are the name; {@code iat} and {@code exp} are in
     * seconds.
     *
     * @param username the name
     * @return the compact JWS
     */
    String issue(String username) {
        Instant now = clock.instant();
        return Jwts.builder()
                .subject(username)
                .claim("username", username)
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(tokenTtl)))
                .signWith(key, Jwts.SIG.HS256)
                .compact();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
