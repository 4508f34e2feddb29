// The `tokenRenewal` service: renews the token a little before it expires, so that a session lasts as long as the
// page is open. A renewal is two steps:
//
//  1. POST /refresh with the current token (auth.refresh()), which keeps the fresh token: from then on every
//     (re)connection sends it, through the `auth` function in handshake mode, in `authenticate` after `connect`
//     in authenticate mode;
//  2. `authenticate {token}` on the connected socket (socketAuth.renew(), in both modes): the server answers
//     `authenticated` and moves the socket's expiry. Without this the server would end the connection at the old
//     token's `exp`.
//
// When a renewal fails for a reason that may pass (no network, a busy server), it is tried again while the token
// still has time; when the server refuses the token, it is not. Either way the token then simply runs out, and the
// page ends the session as "Session expired". A token renewed by another tab (same subject) is taken over too.
//
// States: `idle` (not started, or no token with an expiry), `scheduled`, `renewing`, `failed`.
// Events (CustomEvent): `statechange`, detail `{state}`; `renewed`, detail `{token}`; `failed`, detail `{error}`.

/** The longest head start a renewal takes on the token's expiry. */
export const MAX_LEAD_MS = 30_000;
/** The shortest: a renewal never starts later than this before the expiry. */
export const MIN_LEAD_MS = 1_000;
/** The share of a token's lifetime a renewal starts before its expiry, between the bounds above. */
export const LEAD_FRACTION = 0.2;
/** The longest wait before a failed renewal is tried again. */
export const RETRY_MS = 5_000;
/** A renewal is not tried again when less than this is left before the expiry. */
export const MIN_RETRY_LEFT_MS = 500;

/**
 * When to renew a token: `exp − min(30 s, 20 % of its lifetime)`, but never later than 1 s before `exp`.
 *
 * @param {{iat?: number, exp?: number}|null} claims the token's claims (`iat` and `exp` in seconds)
 * @param {number} now the time, in milliseconds since the epoch (the lifetime's start when there is no `iat`)
 * @returns {number|null} when to renew, in milliseconds since the epoch; null when the token never expires
 */
export function renewalTime(claims, now) {
  const exp = claims?.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    return null;
  }
  const expiresAt = exp * 1000;
  const issuedAt = typeof claims.iat === 'number' && Number.isFinite(claims.iat) ? claims.iat * 1000 : now;
  const lifetime = Math.max(0, expiresAt - issuedAt);
  const lead = Math.max(MIN_LEAD_MS, Math.min(MAX_LEAD_MS, lifetime * LEAD_FRACTION));
  return expiresAt - lead;
}

/** Failures worth another try: not a refusal by the server. */
function mayPass(error) {
  return error?.code !== 'renewal_refused';
}

export class TokenRenewal extends EventTarget {
  #auth;
  #socketAuth;
  #now;
  #timers;
  #active = false;
  #generation = 0;
  #timer = null;
  #state = 'idle';
  #renewsAt = null;
  #renewals = 0;
  #lastError = null;

  /**
   * @param {object} deps
   * @param {import('./auth.js').Auth} deps.auth the `auth` service: its token, `refresh()` and `change` events
   * @param {{renew: (token: string) => Promise<boolean>}} deps.socketAuth the `socketAuth` service
   * @param {() => number} [deps.now] the clock, in milliseconds
   * @param {{setTimeout: Function, clearTimeout: Function}} [deps.timers] the timers (default: the global ones)
   */
  constructor({ auth, socketAuth, now = () => Date.now(), timers = globalThis }) {
    super();
    this.#auth = auth;
    this.#socketAuth = socketAuth;
    this.#now = now;
    this.#timers = timers;
    auth.addEventListener('change', (event) => {
      const { token, reason, renewal } = event.detail;
      if (this.#active && renewal && reason !== 'refresh') {
        this.#adopt(token); // renewed in another tab
      }
    });
  }

  /** @returns {'idle'|'scheduled'|'renewing'|'failed'} where renewal stands */
  get state() {
    return this.#state;
  }

  /** @returns {number|null} when the next renewal (or retry) starts, in milliseconds since the epoch; null if none */
  get renewsAt() {
    return this.#renewsAt;
  }

  /** @returns {number} how many renewals the server accepted since {@link start} */
  get renewals() {
    return this.#renewals;
  }

  /** @returns {{code: string, message: string}|null} why the last renewal failed; null after a success */
  get lastError() {
    return this.#lastError;
  }

  /** Starts renewing the token auth holds now (call when a session starts). */
  start() {
    this.stop();
    this.#active = true;
    this.#schedule();
  }

  /** Stops renewing (call when the session ends); a renewal on its way is ignored. */
  stop() {
    this.#active = false;
    this.#generation++;
    this.#cancel();
    this.#renewsAt = null;
    this.#renewals = 0;
    this.#lastError = null;
    this.#setState('idle');
  }

  /**
   * Renews now: POST /refresh, then `authenticate` on the connected socket.
   *
   * @returns {Promise<void>} settles when the renewal is done or has failed (see {@link lastError}); never rejects
   */
  async renewNow() {
    if (!this.#active || this.#state === 'renewing') {
      return;
    }
    const generation = this.#generation;
    this.#cancel();
    this.#renewsAt = null;
    this.#setState('renewing');
    try {
      const token = await this.#auth.refresh();
      if (generation !== this.#generation) {
        return; // stopped, or another tab's token taken over, meanwhile
      }
      if (token === null) {
        this.#schedule(); // the token changed while POST /refresh was on its way: plan for the one held now
        return;
      }
      await this.#socketAuth.renew(token);
      if (generation === this.#generation) {
        this.#renewed(token);
      }
    } catch (error) {
      if (generation === this.#generation) {
        this.#failed(error);
      }
    }
  }

  /** Takes over a token renewed elsewhere: authenticates the socket with it and plans the next renewal. */
  async #adopt(token) {
    const generation = ++this.#generation; // a renewal of ours on its way is superseded
    this.#cancel();
    try {
      await this.#socketAuth.renew(token);
      if (generation === this.#generation) {
        this.#renewed(token);
      }
    } catch (error) {
      if (generation === this.#generation) {
        this.#failed(error);
      }
    }
  }

  #renewed(token) {
    this.#renewals++;
    this.#lastError = null;
    this.#schedule();
    this.dispatchEvent(new CustomEvent('renewed', { detail: { token } }));
  }

  #failed(error) {
    this.#lastError = { code: error?.code || 'unknown', message: String(error?.message ?? '') };
    const usableUntil = this.#auth.usableUntil(); // exp + the server's leeway: /refresh takes it until then
    const now = this.#now();
    const retryAt = usableUntil === null ? null : now + Math.min(RETRY_MS, (usableUntil - now) / 2);
    const retry = mayPass(error) && retryAt !== null && usableUntil - retryAt >= MIN_RETRY_LEFT_MS;
    this.#setTimer(retry ? retryAt : null);
    this.#setState('failed', true);
    this.dispatchEvent(new CustomEvent('failed', { detail: { error: this.#lastError } }));
  }

  /**
   * Plans the renewal of the token auth holds; nothing when it has none, never expires or has expired (past its
   * `exp` and the server's leeway). A token past its `exp` but within the leeway is renewed at once.
   */
  #schedule() {
    const now = this.#now();
    const usableUntil = this.#auth.usableUntil();
    const at = usableUntil !== null && now < usableUntil ? renewalTime(this.#auth.claims(), now) : null;
    this.#setTimer(at);
    this.#setState(at === null ? 'idle' : 'scheduled', true);
  }

  #setTimer(at) {
    this.#cancel();
    this.#renewsAt = at;
    if (at !== null) {
      const delay = Math.min(Math.max(0, at - this.#now()), 2 ** 31 - 1);
      this.#timer = this.#timers.setTimeout(() => this.renewNow(), delay);
    }
  }

  #cancel() {
    if (this.#timer !== null) {
      this.#timers.clearTimeout(this.#timer);
      this.#timer = null;
    }
  }

  #setState(state, always = false) {
    if (state !== this.#state || always) {
      this.#state = state;
      this.dispatchEvent(new CustomEvent('statechange', { detail: { state } }));
    }
  }
}

/**
 * Makes the `tokenRenewal` service.
 *
 * @param {ConstructorParameters<typeof TokenRenewal>[0]} deps see {@link TokenRenewal}
 * @returns {TokenRenewal} the service
 */
export function createTokenRenewal(deps) {
  return new TokenRenewal(deps);
}
