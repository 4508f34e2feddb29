// The `auth` service: signs in (over HTTP or over the WebSocket of namespace /public), renews the token (POST
// /refresh), keeps it and says who it belongs to and for how long. Change events tell the page when the token
// comes, is renewed or goes.
//
// The token is kept in localStorage so that a reload (or another tab) stays signed in. Anything that runs script
// in this page could read it there: a real application must keep its pages free of injected script (this one
// sends a strict Content-Security-Policy and never puts received text into HTML), or keep tokens in memory.

import { NETWORK_ERROR } from './errors.js';

/** Where the token is kept in localStorage. */
export const TOKEN_KEY = 'socketiojwt.token';

/** A failed sign-in or renewal: `code` is one of errors.js's codes, `message` what the server or network said. */
export class LoginError extends Error {
  constructor(code, message) {
    super(message || code);
    this.name = 'LoginError';
    this.code = code;
  }
}

/**
 * The claims of a JWT, decoded but NOT verified: only the server can verify them. Good enough to show a name and
 * a countdown, never to decide anything that matters.
 *
 * @param {string} token a compact JWS
 * @returns {object|null} the claims, or null when the token cannot be decoded
 */
export function decodeClaims(token) {
  if (typeof token !== 'string') {
    return null;
  }
  const parts = token.split('.');
  if (parts.length !== 3) {
    return null;
  }
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? claims : null;
  } catch {
    return null;
  }
}

/** localStorage when the browser lets us use it (it may not: privacy modes, disabled storage), else memory. */
function defaultStorage() {
  try {
    const storage = globalThis.localStorage;
    const probe = `${TOKEN_KEY}.probe`;
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return storage;
  } catch {
    const values = new Map();
    return {
      getItem: (key) => (values.has(key) ? values.get(key) : null),
      setItem: (key, value) => void values.set(key, String(value)),
      removeItem: (key) => void values.delete(key),
    };
  }
}

function checkCredentials(username, password) {
  if (typeof username !== 'string' || typeof password !== 'string' || username === '' || password === '') {
    throw new LoginError('credentials_missing', 'username and password are required');
  }
}

/** The server's `error` of a refused login, turned into one of errors.js's codes. */
function loginFailure(status, error) {
  if (status === 401 || error === 'invalid credentials') {
    return new LoginError('invalid_credentials', error || 'invalid credentials');
  }
  if (status === 503 || error === 'busy, try again') {
    return new LoginError('busy', error || 'busy');
  }
  if (typeof error === 'string' && error !== '') {
    return new LoginError('bad_request', error);
  }
  return new LoginError('bad_response', status ? `HTTP ${status}` : 'unexpected answer');
}

/** The server's `error` of a refused renewal: 401 means it will not renew this token (`jwt expired`, …). */
function refreshFailure(status, error) {
  if (status === 401) {
    return new LoginError('renewal_refused', typeof error === 'string' && error !== '' ? error : 'refused');
  }
  if (status === 503) {
    return new LoginError('busy', error || 'busy');
  }
  return new LoginError('bad_response', status ? `HTTP ${status}` : 'unexpected answer');
}

/** Whether two tokens are for the same person: the same `sub` (else `username`), as the server compares them. */
function sameSubject(claims, otherClaims) {
  const subject = (c) => c?.sub ?? c?.username ?? null;
  return subject(claims) !== null && subject(claims) === subject(otherClaims);
}

/**
 * The `auth` service. Events: `change`, a CustomEvent whose `detail` is `{token, reason, renewal}`: `reason` is
 * `login`, `refresh` (renewed here), `logout`, `expired`, `refused` or `storage` (another tab changed the token);
 * `renewal` is true when a token was replaced by one for the same subject (a refresh here or in another tab, or
 * another tab signing the same person in again): the session goes on, with the new token.
 */
export class Auth extends EventTarget {
  #storage;
  #fetch;
  #io;
  #now;
  #baseUrl;
  #timeoutMs;
  #token;
  #claims;
  #leewayMs = 0;

  /**
   * @param {object} [deps] what the service needs, all optional in a browser
   * @param {Storage} [deps.storage] where the token is kept (default localStorage)
   * @param {typeof fetch} [deps.fetch] for POST /login and /refresh (default: the global fetch, looked up at each
   *     call)
   * @param {Function} [deps.io] socket.io-client's `io`, for the WebSocket login
   * @param {() => number} [deps.now] the clock, in milliseconds
   * @param {string} [deps.baseUrl] the server (default: this page's)
   * @param {number} [deps.timeoutMs] how long a login may take
   * @param {EventTarget} [deps.window] where `storage` events of other tabs arrive
   */
  constructor({
    storage = defaultStorage(),
    fetch = (...args) => globalThis.fetch(...args),
    io = null,
    now = () => Date.now(),
    baseUrl = globalThis.location?.href,
    timeoutMs = 10_000,
    window: win = globalThis.window,
  } = {}) {
    super();
    this.#storage = storage;
    this.#fetch = fetch;
    this.#io = io;
    this.#now = now;
    this.#baseUrl = baseUrl;
    this.#timeoutMs = timeoutMs;
    this.#remember(this.#read());
    win?.addEventListener?.('storage', (event) => {
      if (event.key !== null && event.key !== TOKEN_KEY) {
        return;
      }
      const token = this.#read();
      if (token !== this.#token) {
        this.#replace(token, 'storage');
      }
    });
  }

  /** @returns {string|null} the token, or null when signed out */
  token() {
    return this.#token;
  }

  /** @returns {object|null} the token's claims, decoded but not verified; null without a (decodable) token */
  claims() {
    return this.#claims;
  }

  /** @returns {string|null} who the token is for: its `sub`, else its `username` claim */
  username() {
    const claims = this.#claims;
    const name = claims?.sub ?? claims?.username;
    return name === undefined || name === null ? null : String(name);
  }

  /** @returns {number|null} when the token expires, in milliseconds since the epoch; null if it never does */
  expiresAt() {
    const exp = this.#claims?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null;
  }

  /**
   * Tells the service how much clock skew the server tolerates on `exp` (GET /mode's `leewaySeconds`): the server
   * accepts a token until `exp` + this, and so does {@link isExpired}.
   *
   * @param {number} leewayMs the leeway in milliseconds; anything but a positive number counts as 0
   */
  setLeeway(leewayMs) {
    this.#leewayMs = Number.isFinite(leewayMs) && leewayMs > 0 ? leewayMs : 0;
  }

  /**
   * @returns {number|null} until when the server accepts the token, in milliseconds since the epoch: its `exp`
   *     plus the server's leeway; null if it never expires
   */
  usableUntil() {
    const expiresAt = this.expiresAt();
    return expiresAt === null ? null : expiresAt + this.#leewayMs;
  }

  /** @returns {number|null} whole seconds until the token expires (0 once expired); null without an expiry */
  remainingSeconds() {
    const expiresAt = this.expiresAt();
    if (this.#token === null || expiresAt === null) {
      return null;
    }
    return Math.max(0, Math.ceil((expiresAt - this.#now()) / 1000));
  }

  /**
   * @returns {boolean} whether there is a token and the server no longer accepts it: now >= exp + the server's
   *     leeway, as jsonwebtoken decides with its `clockTolerance`
   */
  isExpired() {
    const usableUntil = this.usableUntil();
    return this.#token !== null && usableUntil !== null && this.#now() >= usableUntil;
  }

  /**
   * Signs in with POST /login (the HTTP flow).
   *
   * @param {string} username the name
   * @param {string} password the password
   * @returns {Promise<string>} the token, also kept
   * @throws {LoginError} when the credentials are wrong or the server cannot be reached
   */
  async login(username, password) {
    checkCredentials(username, password);
    const { response, body } = await this.#post('/login', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (response.ok && typeof body?.token === 'string' && body.token !== '') {
      this.#store(body.token, 'login');
      return body.token;
    }
    throw loginFailure(response.ok ? 0 : response.status, body?.error);
  }

  /**
   * Renews the token with POST /refresh (`Authorization: Bearer <token>`): the server answers a fresh token for
   * the same subject, with a new expiry, as long as the current one has not expired (its `exp` plus the server's
   * leeway).
   *
   * @returns {Promise<string|null>} the new token, also kept (change event with reason `refresh`); null when the
   *     token changed while the request was on its way (signed out, or replaced by another tab): nothing is kept
   * @throws {LoginError} `renewal_refused` when the server refuses the token (its message says why, such as
   *     `jwt expired`), `credentials_required` without a token, else `busy`, `timeout`, `network_error` or
   *     `bad_response`
   */
  async refresh() {
    const token = this.#token;
    if (token === null) {
      throw new LoginError('credentials_required', 'no token to renew');
    }
    const { response, body } = await this.#post('/refresh', { headers: { Authorization: `Bearer ${token}` } });
    if (this.#token !== token) {
      return null;
    }
    if (response.ok && typeof body?.token === 'string' && body.token !== '') {
      this.#store(body.token, 'refresh');
      return body.token;
    }
    throw refreshFailure(response.ok ? 0 : response.status, body?.error);
  }

  /**
   * Signs in with the `login` event of namespace /public, answered through its ack (the WebSocket flow).
   *
   * @param {string} username the name
   * @param {string} password the password
   * @returns {Promise<string>} the token, also kept
   * @throws {LoginError} when the credentials are wrong or the server cannot be reached
   */
  async loginOverWebSocket(username, password) {
    checkCredentials(username, password);
    if (typeof this.#io !== 'function') {
      throw new Error('auth: no Socket.IO client was given for the WebSocket login');
    }
    // A connection of its own (forceNew), closed as soon as the answer is in.
    const socket = this.#io(new URL('/public', this.#baseUrl).href, {
      forceNew: true,
      reconnection: false,
      timeout: this.#timeoutMs,
    });
    try {
      await new Promise((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', (error) => reject(new LoginError(NETWORK_ERROR, error?.message)));
      });
      let reply;
      try {
        reply = await socket.timeout(this.#timeoutMs).emitWithAck('login', { username, password });
      } catch {
        throw new LoginError('timeout', 'no answer to the login event');
      }
      if (typeof reply?.token === 'string' && reply.token !== '') {
        this.#store(reply.token, 'login');
        return reply.token;
      }
      throw loginFailure(0, reply?.error);
    } finally {
      socket.disconnect();
    }
  }

  /**
   * Forgets the token.
   *
   * @param {string} [reason] why, passed on in the change event: `logout` (default), `expired` or `refused`
   */
  logout(reason = 'logout') {
    if (this.#token === null) {
      return;
    }
    try {
      this.#storage.removeItem(TOKEN_KEY);
    } catch {
      // Storage went away: forgetting it in memory is what matters.
    }
    this.#replace(null, reason);
  }

  /**
   * POSTs to one of the server's JSON endpoints.
   *
   * @returns {Promise<{response: Response, body: object|null}>} the answer and its JSON body (null if not JSON)
   * @throws {LoginError} `timeout` or `network_error` when no answer came
   */
  async #post(path, { headers, body }) {
    let response;
    try {
      response = await this.#fetch(new URL(path, this.#baseUrl).href, {
        method: 'POST',
        headers: { ...headers, Accept: 'application/json' },
        body,
        cache: 'no-store',
        credentials: 'same-origin',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw error?.name === 'TimeoutError'
        ? new LoginError('timeout', `no answer from POST ${path}`)
        : new LoginError(NETWORK_ERROR, error?.message);
    }
    let json = null;
    try {
      json = await response.json();
    } catch {
      // Not JSON: the caller reports it.
    }
    return { response, body: json };
  }

  #read() {
    try {
      const token = this.#storage.getItem(TOKEN_KEY);
      return typeof token === 'string' && token !== '' ? token : null;
    } catch {
      return null;
    }
  }

  #store(token, reason) {
    try {
      this.#storage.setItem(TOKEN_KEY, token);
    } catch {
      // Full or disabled storage: the token still lives in memory until the page closes.
    }
    this.#replace(token, reason);
  }

  /** Holds another token (or none) and says so. */
  #replace(token, reason) {
    const previous = this.#claims;
    this.#remember(token);
    const renewal = token !== null && sameSubject(previous, this.#claims);
    this.dispatchEvent(new CustomEvent('change', { detail: { token, reason, renewal } }));
  }

  #remember(token) {
    this.#token = token;
    this.#claims = token === null ? null : decodeClaims(token);
  }
}

/**
 * Makes the `auth` service.
 *
 * @param {ConstructorParameters<typeof Auth>[0]} [deps] see {@link Auth}
 * @returns {Auth} the service
 */
export function createAuth(deps) {
  return new Auth(deps);
}
