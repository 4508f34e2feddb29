// The `socketAuth` service: runs the authenticated connection to namespace / and says where it stands.
//
// States: `disconnected` → `connecting` → (`connected`, authenticate mode only, until the server answers
// `authenticate`) → `authenticated`. In handshake mode a socket that connects is authenticated: the server
// refuses the others before they connect.
//
// Events (CustomEvent):
//  - `statechange`, detail `{state}`;
//  - `error`, detail `{error}` where error is `{code, message, network}`: every refusal and network failure;
//  - `refused`, detail `{error}`: the server refused the token (`connect_error` with data in handshake mode,
//    `unauthorized` in either mode: a bad token, a failed renewal, or a token that expired while connected). The
//    connection is closed; the token will not do.
//
// renew(token) authenticates the connected socket again with a fresh token, in both modes: the server answers
// `authenticated` again and moves the socket's expiry.

import { fromConnectError, fromUnauthorized } from './errors.js';

/** The connection states, in order. */
export const STATES = Object.freeze(['disconnected', 'connecting', 'connected', 'authenticated']);

export class SocketAuth extends EventTarget {
  #sockets;
  #socket = null;
  #mode = null;
  #state = 'disconnected';
  #lastError = null;
  #active = false;
  #generation = 0;
  #waiters = [];
  #listeners = [];

  /**
   * @param {object} deps
   * @param {{create: () => Promise<{socket: object, mode: string}>}} deps.sockets the `socket` factory
   */
  constructor({ sockets }) {
    super();
    this.#sockets = sockets;
  }

  /** @returns {'disconnected'|'connecting'|'connected'|'authenticated'} where the connection stands */
  get state() {
    return this.#state;
  }

  /** @returns {'handshake'|'authenticate'|null} the server's mode, once known */
  get mode() {
    return this.#mode;
  }

  /** @returns {{code: string, message: string, network: boolean}|null} the last refusal or network failure since the last authentication */
  get lastError() {
    return this.#lastError;
  }

  /** @returns {boolean} whether the service is started (between {@link start} and {@link stop} or a refusal) */
  get active() {
    return this.#active;
  }

  /**
   * Connects, unless already started. Reconnections after network failures are socket.io-client's.
   *
   * @returns {Promise<void>} settles once the socket is made (not when it is authenticated: see
   *     {@link whenAuthenticated})
   */
  async start() {
    if (this.#active) {
      return;
    }
    this.#active = true;
    const generation = ++this.#generation;
    this.#setState('connecting');
    let created;
    try {
      created = await this.#sockets.create();
    } catch (error) {
      if (generation === this.#generation) {
        this.#active = false;
        this.#failed({ code: error?.code || 'network_error', message: error?.message || '', network: true });
        this.#setState('disconnected');
      }
      return;
    }
    const { socket, mode } = created;
    if (generation !== this.#generation) {
      socket.disconnect(); // stopped while GET /mode was on its way
      return;
    }
    this.#socket = socket;
    this.#mode = mode;
    socket.on('connect', () => {
      if (mode === 'handshake') {
        this.#authenticated();
      } else {
        this.#setState('connected');
      }
    });
    socket.on('authenticated', () => this.#authenticated());
    socket.on('unauthorized', (payload, ack) => {
      if (typeof ack === 'function') {
        ack(); // the server closes the connection as soon as we acknowledge
      }
      this.#refused(fromUnauthorized(payload));
    });
    socket.on('connect_error', (err) => {
      const error = fromConnectError(err);
      if (!error.network) {
        this.#refused(error);
        return;
      }
      this.#failed(error);
      this.#retryingOrClosed(socket);
    });
    socket.on('disconnect', () => this.#retryingOrClosed(socket));
    for (const [name, handler] of this.#listeners) {
      socket.on(name, handler);
    }
    socket.connect();
  }

  /** Disconnects and stays disconnected; pending {@link whenAuthenticated} promises are rejected. */
  stop() {
    this.#close();
    this.#settle({ code: 'disconnected', message: 'disconnected by the client', network: false });
    this.#setState('disconnected');
  }

  /**
   * @returns {Promise<void>} resolved at once if authenticated, else at the next authentication; rejected with
   *     `{code, message, network}` at the next refusal (`connect_error` / `unauthorized`), network failure or stop
   */
  whenAuthenticated() {
    if (this.#state === 'authenticated') {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /**
   * Authenticates the connected socket again, with a fresh token for the same subject: emits
   * `authenticate {token}` (in both modes), to which the server answers `authenticated` and moves the socket's
   * expiry to the new token's, or `unauthorized` (then `refused` follows, as for any refusal).
   *
   * @param {string} token the fresh token
   * @returns {Promise<boolean>} true once the server has answered `authenticated`; false at once when no socket is
   *     connected (a (re)connection sends the token held then); rejected like {@link whenAuthenticated}
   */
  renew(token) {
    const socket = this.#socket;
    if (socket === null || !socket.connected) {
      return Promise.resolve(false);
    }
    const answered = new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
    socket.emit('authenticate', { token });
    return answered.then(() => true);
  }

  /**
   * Listens to a server event on the current socket and on every socket made later.
   *
   * @param {string} name the event
   * @param {Function} handler its listener
   */
  on(name, handler) {
    this.#listeners.push([name, handler]);
    this.#socket?.on(name, handler);
  }

  /**
   * Emits an event if authenticated (in authenticate mode the server drops anything else sent before).
   *
   * @param {string} name the event
   * @param {...*} args its arguments
   * @returns {boolean} whether it was sent
   */
  emit(name, ...args) {
    if (this.#state !== 'authenticated' || this.#socket === null) {
      return false;
    }
    this.#socket.emit(name, ...args);
    return true;
  }

  /** After a network failure or a disconnection: socket.io-client retries unless the server sent us away. */
  #retryingOrClosed(socket) {
    if (socket.active) {
      this.#setState('connecting');
    } else {
      this.#close(); // e.g. the server disconnected us: start() may connect again
      this.#setState('disconnected');
    }
  }

  #authenticated() {
    this.#lastError = null;
    this.#setState('authenticated', true);
    const waiters = this.#waiters;
    this.#waiters = [];
    waiters.forEach(({ resolve }) => resolve());
  }

  #refused(error) {
    this.#close();
    this.#failed(error);
    this.#setState('disconnected');
    this.dispatchEvent(new CustomEvent('refused', { detail: { error } }));
  }

  #failed(error) {
    this.#lastError = error;
    this.dispatchEvent(new CustomEvent('error', { detail: { error } }));
    this.#settle(error);
  }

  #settle(error) {
    const waiters = this.#waiters;
    this.#waiters = [];
    waiters.forEach(({ reject }) => reject(error));
  }

  #close() {
    this.#active = false;
    this.#generation++;
    const socket = this.#socket;
    this.#socket = null;
    if (socket !== null) {
      socket.removeAllListeners();
      socket.disconnect();
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
 * Makes the `socketAuth` service.
 *
 * @param {object} deps see {@link SocketAuth}
 * @returns {SocketAuth} the service
 */
export function createSocketAuth(deps) {
  return new SocketAuth(deps);
}
