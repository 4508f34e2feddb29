// Words a person understands for the codes and messages that the server, the network and the login endpoints
// produce. Pure functions: no DOM, no state.

const SESSION_EXPIRED = 'Your session has expired. Please sign in again.';
const TOKEN_NOT_VALID = 'Your sign-in token is not valid. Please sign in again.';
const SIGN_IN_FIRST = 'Please sign in first.';
const UNREACHABLE = 'Cannot reach the server.';
const NOT_YET_VALID = 'Your sign-in token is not valid yet. Check your computer\'s clock, then sign in again.';
const CANNOT_CHECK = 'The server cannot check sign-in tokens right now. Please try again later.';

/** Code of the errors this client makes up for network failures (the server never sends it). */
export const NETWORK_ERROR = 'network_error';

/** jsonwebtoken's messages, which the server sends along with the code `invalid_token`. */
const BY_MESSAGE = {
  'jwt expired': SESSION_EXPIRED,
  'jwt not active': NOT_YET_VALID,
  'no token provided': SIGN_IN_FIRST,
};

const BY_CODE = {
  // socketio-jwt's codes.
  credentials_required: SIGN_IN_FIRST,
  invalid_token: TOKEN_NOT_VALID,
  invalid_secret: CANNOT_CHECK,
  credentials_bad_format: 'Your sign-in token was sent in a format the server does not accept. Please sign in again.',
  missing_authorization_header: 'This server only accepts tokens in an Authorization header, which this page cannot send.',
  unknown: 'The server refused the connection. Please sign in again.',
  // The library's detailed codes (JwtAuthOptions.detailedErrorCodes(true)).
  token_expired: SESSION_EXPIRED,
  token_not_active: NOT_YET_VALID,
  token_malformed: TOKEN_NOT_VALID,
  token_too_large: TOKEN_NOT_VALID,
  token_datatype: TOKEN_NOT_VALID,
  signature_required: TOKEN_NOT_VALID,
  invalid_algorithm: TOKEN_NOT_VALID,
  invalid_signature: TOKEN_NOT_VALID,
  invalid_claim: TOKEN_NOT_VALID,
  key_unavailable: CANNOT_CHECK,
  authentication_timeout: 'Signing in took too long. Please try again.',
  // This client's own codes.
  [NETWORK_ERROR]: UNREACHABLE,
  invalid_credentials: 'Wrong username or password.',
  credentials_missing: 'Please enter your username and password.',
  busy: 'The server is busy. Please try again in a moment.',
  bad_response: 'The server sent an answer this page does not understand. Please try again.',
  timeout: 'The server did not answer in time. Please try again.',
  renewal_refused: 'The server would not renew your session.',
};

/**
 * A sentence for an error.
 *
 * @param {{code?: string, message?: string}} error a refusal (`{code, message}` as the server sends it in
 *     `err.data` / `unauthorized.data`) or one of this client's errors
 * @returns {string} one or two sentences, never empty
 */
export function humanMessage(error) {
  const code = error?.code;
  const message = error?.message;
  if (message && Object.hasOwn(BY_MESSAGE, message)) {
    return BY_MESSAGE[message];
  }
  if (code && Object.hasOwn(BY_CODE, code)) {
    return BY_CODE[code];
  }
  return message ? `Sign-in failed (${message}).` : 'Something went wrong. Please try again.';
}

/**
 * `<code>: <human message>`, as the page shows the last refusal.
 *
 * @param {{code?: string, message?: string}} error the refusal
 * @returns {string} the line
 */
export function describe(error) {
  return `${error?.code || 'unknown'}: ${humanMessage(error)}`;
}

/**
 * Whether a refusal means that the token has expired.
 *
 * @param {{code?: string, message?: string}} error the refusal
 * @returns {boolean} true for jsonwebtoken's `jwt expired` and the detailed code `token_expired`
 */
export function isExpiry(error) {
  return error?.message === 'jwt expired' || error?.code === 'token_expired';
}

/**
 * The `{code, message}` of a Socket.IO `connect_error`: the server's refusal when it sent one (`err.data`),
 * otherwise a network error.
 *
 * @param {Error & {data?: {code?: string, message?: string}}} err what socket.io-client emitted
 * @returns {{code: string, message: string, network: boolean}} the error
 */
export function fromConnectError(err) {
  const data = err?.data;
  if (data && typeof data === 'object' && typeof data.code === 'string') {
    return { code: data.code, message: String(data.message ?? err.message ?? ''), network: false };
  }
  return { code: NETWORK_ERROR, message: String(err?.message ?? 'connection failed'), network: true };
}

/**
 * The `{code, message}` of an `unauthorized` event, `{message, data: {message, code, type}}`.
 *
 * @param {{message?: string, data?: {code?: string, message?: string}}} payload the event's argument
 * @returns {{code: string, message: string, network: boolean}} the error
 */
export function fromUnauthorized(payload) {
  const data = payload?.data ?? {};
  return {
    code: typeof data.code === 'string' ? data.code : 'unknown',
    message: String(data.message ?? payload?.message ?? ''),
    network: false,
  };
}

/** Words for the refusals of the chat channels (rooms.js), by action. */
const FORBIDDEN = {
  join: (room) => `you may not join “${room}”. Your token's channels claim does not list it, so the server`
    + ' refused.',
  chat: (room) => `the server refused your message to “${room}”. Your token's channels claim does not list that`
    + ' channel.',
  removed: (room) => `you are no longer in “${room}”. Your renewed token does not list it, so the server took you`
    + ' out.',
  event: () => 'the server refused a message.',
};

const ROOM_ERRORS = {
  'not joined': (room) => `Join “${room}” before writing there.`,
  'invalid room': () => 'That is not a channel name.',
  not_connected: () => 'Not connected yet. Please wait a moment.',
  timeout: () => BY_CODE.timeout,
};

/**
 * A sentence for the outcome of a chat channel request (`join`, `leave`, `chat`) or for a refusal the server sent
 * on its own (`removed`, `event`).
 *
 * @param {'join'|'leave'|'chat'|'removed'|'event'} action what was asked, or what happened
 * @param {{ok?: boolean, room?: string|null, error?: string, message?: string}} result the outcome (rooms.js)
 * @returns {string} one or two sentences, never empty; a refusal by the server's access rules reads
 *     `Forbidden (<the server's message>): …`
 */
export function roomMessage(action, { ok = false, room = null, error, message } = {}) {
  const name = room ?? 'everyone';
  if (ok) {
    return { join: `Joined “${name}”.`, leave: `Left “${name}”.` }[action] ?? `Sent to “${name}”.`;
  }
  if (error === 'forbidden' || action === 'removed' || action === 'event') {
    const what = (FORBIDDEN[action] ?? FORBIDDEN.event)(name);
    return `Forbidden${message ? ` (${message})` : ''}: ${what}`;
  }
  if (Object.hasOwn(ROOM_ERRORS, error)) {
    return ROOM_ERRORS[error](name);
  }
  return `The server refused (${error || 'no answer'}).`;
}
