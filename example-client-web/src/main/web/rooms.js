// The `rooms` service: the chat channels of namespace /. Which channels this user may join comes from the token's
// `channels` claim — decoded, NOT verified, so only good for showing them: the server checks the verified claims
// (netty-socketio-jwt's access rules) whatever this page asks. The service joins and leaves channels, chats in
// them, and tells what the server refused.
//
// On the wire (namespace /, all with an ack):
//  - `join {room}`  → `{ok: true, room}`, or `{error: "forbidden", room}` when the token does not list the channel;
//  - `leave {room}` → `{ok: true, room}`;
//  - `chat {text, room}` → `{ok: true, room}` (sent to the channel's members), `{error: "not joined", room}`, or,
//    when the token does not list the channel, the library's refusal `{message: "event not allowed", data: {code:
//    "forbidden", …}}`; `chat {text}` without a room goes to everyone.
// And the server may send `forbidden` `{message: "room no longer allowed", data: {code: "forbidden", room}}` when a
// renewed token no longer lists a channel the socket was in: the socket has left it.
//
// Joined channels are joined again after every new connection (a reconnection is a new socket on the server).
//
// Requests answer with their outcome. Events (CustomEvent): `change` (the channels allowed or joined changed);
// `forbidden`, detail `{action, room, message}`, for what the server refused on its own: `removed` (it took the
// socket out of `room`: the renewed token no longer lists it; or a channel joined again after a reconnection was
// refused) or `event` (an event sent without an ack was refused; `room` is null).

/** The claim that lists the channels a user may join. */
export const CHANNELS_CLAIM = 'channels';
/** How long to wait for the server's answer to `join`, `leave` or `chat`. */
export const ANSWER_TIMEOUT_MS = 5_000;

/**
 * The channels a token's claims list.
 *
 * @param {object|null} claims decoded claims
 * @returns {string[]} the names, in the token's order, without duplicates; empty when the claim is absent
 */
export function allowedChannels(claims) {
  const value = claims?.[CHANNELS_CLAIM];
  const list = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  return [...new Set(list.filter((name) => typeof name === 'string' && name !== ''))];
}

/**
 * The outcome of a request, from the server's answer.
 *
 * @param {string} room the channel asked for
 * @param {*} answer the ack's argument
 * @returns {{ok: boolean, room: string, error?: string, message?: string}} `error` is `forbidden`, `not joined`,
 *     `invalid room`, or the server's word
 */
export function outcome(room, answer) {
  if (answer?.ok === true) {
    return { ok: true, room };
  }
  if (answer?.data?.code === 'forbidden') {
    // The library's refusal of an event: {message: "event not allowed", data: {code: "forbidden", event}}.
    return { ok: false, room, error: 'forbidden', message: String(answer.message ?? answer.data.message ?? '') };
  }
  const error = typeof answer?.error === 'string' ? answer.error : 'bad_response';
  return { ok: false, room, error };
}

export class Rooms extends EventTarget {
  #auth;
  #socketAuth;
  #timeoutMs;
  /** The channels this page is in, or wants to be in again after a reconnection. */
  #joined = new Set();
  /** Whether the current connection has joined #joined (false until it is authenticated). */
  #live = false;

  /**
   * @param {object} deps
   * @param {import('./auth.js').Auth} deps.auth the `auth` service: its claims and `change` events
   * @param {import('./socketAuth.js').SocketAuth} deps.socketAuth the `socketAuth` service
   * @param {number} [deps.timeoutMs] how long to wait for an answer
   */
  constructor({ auth, socketAuth, timeoutMs = ANSWER_TIMEOUT_MS }) {
    super();
    this.#auth = auth;
    this.#socketAuth = socketAuth;
    this.#timeoutMs = timeoutMs;
    auth.addEventListener('change', (event) => {
      if (!event.detail.renewal) {
        this.#joined.clear(); // signed out, or someone else signed in
      }
      this.#changed();
    });
    socketAuth.addEventListener('statechange', (event) => this.#connectionChanged(event.detail.state));
    socketAuth.on('forbidden', (payload) => this.#forbidden(payload));
  }

  /** @returns {string[]} the channels the token lists (decoded, not verified) */
  get allowed() {
    return allowedChannels(this.#auth.claims());
  }

  /** @returns {string[]} the channels joined, in the order they were joined */
  get joined() {
    return [...this.#joined];
  }

  /**
   * Joins a channel; the server decides.
   *
   * @param {string} room the channel
   * @returns {Promise<{ok: boolean, room: string, error?: string}>} `error` is `forbidden` when the token does not
   *     list it, `not_connected` or `timeout` when nobody answered
   */
  async join(room) {
    const result = await this.#request('join', { room }, room);
    if (result.ok) {
      this.#joined.add(room);
      this.#changed();
    }
    return result;
  }

  /**
   * Leaves a channel.
   *
   * @param {string} room the channel
   * @returns {Promise<{ok: boolean, room: string, error?: string}>} the outcome
   */
  async leave(room) {
    this.#joined.delete(room);
    this.#changed();
    return this.#request('leave', { room }, room);
  }

  /**
   * Chats: to everyone, or to the members of a channel.
   *
   * @param {string} text the message
   * @param {string|null} [room] a channel, or null for everyone
   * @returns {Promise<{ok: boolean, room: string|null, error?: string}>} the outcome; `error` is `forbidden` when
   *     the token does not list the channel
   */
  send(text, room = null) {
    return this.#request('chat', room === null ? { text } : { text, room }, room);
  }

  /** Emits with an ack, and waits for it a while. */
  #request(event, payload, room) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ ok: false, room, error: 'timeout' }), this.#timeoutMs);
      const sent = this.#socketAuth.emit(event, payload, (answer) => {
        clearTimeout(timer);
        resolve(outcome(room, answer));
      });
      if (!sent) {
        clearTimeout(timer);
        resolve({ ok: false, room, error: 'not_connected' });
      }
    });
  }

  /** A connection that authenticates (again) joins the channels wanted; one that is lost forgets it has. */
  #connectionChanged(state) {
    if (state !== 'authenticated') {
      this.#live = false;
      return;
    }
    if (this.#live) {
      return; // a renewal on the same connection: the server keeps its rooms (or says `forbidden`)
    }
    this.#live = true;
    for (const room of this.#joined) {
      this.#request('join', { room }, room).then((result) => {
        if (result.error === 'forbidden') {
          this.#joined.delete(room);
          this.#refused('removed', room, 'room not allowed');
          this.#changed();
        }
      });
    }
  }

  /** The server's `forbidden` event: a chat refused without an ack, or a channel the renewed token dropped. */
  #forbidden(payload) {
    const data = payload?.data ?? {};
    const message = String(payload?.message ?? data.message ?? '');
    if (typeof data.room === 'string') {
      this.#joined.delete(data.room);
      this.#refused('removed', data.room, message);
      this.#changed();
    } else {
      this.#refused('event', null, message);
    }
  }

  #refused(action, room, message) {
    this.dispatchEvent(new CustomEvent('forbidden', { detail: { action, room, message } }));
  }

  #changed() {
    this.dispatchEvent(new CustomEvent('change'));
  }
}

/**
 * Makes the `rooms` service.
 *
 * @param {ConstructorParameters<typeof Rooms>[0]} deps see {@link Rooms}
 * @returns {Rooms} the service
 */
export function createRooms(deps) {
  return new Rooms(deps);
}
