package io.github.socketiojwt.internal;

import io.github.socketiojwt.JwtPrincipal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded cache of tokens whose signature and claims verified, keyed by the exact token string, so that a
 * client reconnecting with the same token skips the decoding and the cryptography. Only what a static key
 * verified is cached (a resolved key may be rotated out). Every use still checks the time claims and the claim
 * rules, and the revocation check and validator run after it as before; an entry is never used once its token's
 * {@code exp} (plus leeway) has passed, and is dropped then or by the periodic clean-up.
 *
 * <p>Two generations bound the memory: when the current one holds half the capacity it becomes the previous one
 * and the one before is dropped, so the cache holds at most {@code capacity} entries and keeps the tokens used
 * recently. The cached principal is the one the first socket received; principals are immutable, so sockets that
 * share a token share it, and an entry costs little more than the map's node.
 */
final class VerifiedTokens {

    private final int generationSize;
    private volatile ConcurrentHashMap<String, Entry> current = new ConcurrentHashMap<>();
    private volatile ConcurrentHashMap<String, Entry> previous = new ConcurrentHashMap<>();

    /** A verified token: its principal, and when it stops being valid (epoch millis). */
    private static final class Entry {
        final JwtPrincipal principal;
        final long expiresAtMillis;

        Entry(JwtPrincipal principal, long expiresAtMillis) {
            this.principal = principal;
            this.expiresAtMillis = expiresAtMillis;
        }
    }

    /**
     * Creates a cache.
     *
     * @param capacity the most entries held, at least 2
     */
    VerifiedTokens(int capacity) {
        this.generationSize = Math.max(1, capacity / 2);
    }

    /**
     * The principal a token verified to, if it is cached, still unexpired, and verified on this namespace.
     *
     * @param token the exact token
     * @param namespace the namespace asking
     * @param nowMillis the current time
     * @return the principal, or {@code null}
     */
    JwtPrincipal get(String token, String namespace, long nowMillis) {
        ConcurrentHashMap<String, Entry> generation = current;
        Entry entry = generation.get(token);
        if (entry == null) {
            ConcurrentHashMap<String, Entry> older = previous;
            entry = older.get(token);
            if (entry == null) {
                return null;
            }
            older.remove(token, entry);
            generation.put(token, entry); // used again: keep it
        }
        if (nowMillis >= entry.expiresAtMillis) {
            generation.remove(token, entry);
            return null;
        }
        return entry.principal.namespace().equals(namespace) ? entry.principal : null;
    }

    /**
     * Remembers a verified token.
     *
     * @param token the exact token
     * @param principal what it verified to
     * @param expiresAtMillis when it stops being valid: {@code exp} plus leeway, or {@code Long.MAX_VALUE}
     */
    void put(String token, JwtPrincipal principal, long expiresAtMillis) {
        ConcurrentHashMap<String, Entry> generation = current;
        if (generation.size() >= generationSize) {
            synchronized (this) {
                if (current.size() >= generationSize) {
                    previous = current;
                    current = new ConcurrentHashMap<>();
                }
                generation = current;
            }
        }
        generation.put(token, new Entry(principal, expiresAtMillis));
    }

    /**
     * Drops the entries whose token has expired (lookups never return them; this frees their memory sooner).
     *
     * @param nowMillis the current time
     */
    void forgetExpired(long nowMillis) {
        current.values().removeIf(e -> nowMillis >= e.expiresAtMillis);
        previous.values().removeIf(e -> nowMillis >= e.expiresAtMillis);
    }

    /** @return how many entries are held (tests and diagnostics) */
    int size() {
        return current.size() + previous.size();
    }
}
