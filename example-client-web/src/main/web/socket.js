// The `socket` factory: makes the Socket.IO connection to namespace / in the server's mode, as GET /mode tells
// (GET /mode also tells the server's leeway on `exp`, which the page needs to keep a token as long as the server does).
//
//  - handshake mode: the token travels in the CONNECT packet's `auth`. `auth` is a FUNCTION, called by
//    socket.io-client at every (re)connection, so a reconnect sends the token we hold then, not a stale one;
//  - authenticate mode: the socket connects without a token and emits `authenticate {token}` after every
//    `connect` (a reconnect is a new socket on the server, quarantined again until it authenticates).

import { NETWORK_ERROR } from './errors.js';

/** The modes GET /mode can report. */
export const MODES = Object.freeze(['handshake', 'authenticate']);

/**
 * Asks the server how namespace / authenticates, and how much clock skew it tolerates on a token's `exp`.
 *
 * @param {object} deps
 * @param {typeof fetch} deps.fetch fetch
 * @param {string} deps.baseUrl the server
 * @returns {Promise<{mode: 'handshake'|'authenticate', leewayMs: number}>} the mode, and the leeway in
 *     milliseconds (0 when the server does not say)
 * @throws {Error & {code: string}} `network_error` when the server cannot be reached, `bad_response` otherwise
 */
export async function fetchSettings({ fetch, baseUrl }) {
  let response;
  try {
    response = await fetch(new URL('/mode', baseUrl).href, { cache: 'no-store' });
  } catch (error) {
    throw Object.assign(new Error(error?.message || 'cannot fetch /mode'), { code: NETWORK_ERROR });
  }
  const body = response.ok ? await response.json().catch(() => null) : null;
  if (!MODES.includes(body?.mode)) {
    throw Object.assign(new Error(`unexpected answer from /mode (HTTP ${response.status})`), { code: 'bad_response' });
  }
  const leeway = body.leewaySeconds;
  return { mode: body.mode, leewayMs: Number.isFinite(leeway) && leeway > 0 ? leeway * 1000 : 0 };
}

/**
 * Makes the `socket` factory.
 *
 * @param {object} deps
 * @param {Function} deps.io socket.io-client's `io`
 * @param {{token: () => string|null}} deps.auth where the token comes from, asked at every (re)connection
 * @param {typeof fetch} [deps.fetch] for GET /mode
 * @param {string} [deps.baseUrl] the server (default: this page's)
 * @param {string} [deps.namespace] the namespace (default /)
 * @param {object} [deps.options] more socket.io-client options
 */
export function createSocketFactory({
  io,
  auth,
  fetch = globalThis.fetch?.bind(globalThis),
  baseUrl = globalThis.location?.href,
  namespace = '/',
  options = {},
}) {
  let settings = null;

  return {
    /**
     * The server's settings, fetched once (again after a failure).
     *
     * @returns {Promise<{mode: 'handshake'|'authenticate', leewayMs: number}>} see {@link fetchSettings}
     */
    settings() {
      if (settings === null) {
        settings = fetchSettings({ fetch, baseUrl }).catch((error) => {
          settings = null;
          throw error;
        });
      }
      return settings;
    },

    /**
     * The server's mode, fetched once (again after a failure).
     *
     * @returns {Promise<'handshake'|'authenticate'>} the mode
     */
    async mode() {
      return (await this.settings()).mode;
    },

    /**
     * A new socket for namespace / that authenticates itself in the server's mode, NOT yet connected: attach
     * your listeners, then call `socket.connect()`. Each call makes a new connection (forceNew): sockets of
     * earlier sessions are never reused.
     *
     * @returns {Promise<{socket: object, mode: 'handshake'|'authenticate'}>} the socket and the mode
     */
    async create() {
      const current = await this.mode();
      const socket = io(new URL(namespace, baseUrl).href, {
        ...options,
        forceNew: true,
        autoConnect: false,
        ...(current === 'handshake' ? { auth: (cb) => cb({ token: auth.token() }) } : {}),
      });
      if (current === 'authenticate') {
        socket.on('connect', () => socket.emit('authenticate', { token: auth.token() }));
      }
      return { socket, mode: current };
    },

    /**
     * {@link create}, then connect.
     *
     * @returns {Promise<{socket: object, mode: 'handshake'|'authenticate'}>} the connecting socket and the mode
     */
    async connect() {
      const created = await this.create();
      created.socket.connect();
      return created;
    },
  };
}
