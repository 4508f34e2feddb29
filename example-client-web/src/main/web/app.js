// Wires the page: the services (auth.js, socket.js, socketAuth.js, tokenRenewal.js, rooms.js) do the work, this
// module only shows it.
// Received text is only ever set with textContent, never parsed as HTML.

import { io } from './vendor/socket.io.esm.min.js';
import { createAuth } from './auth.js';
import { createSocketFactory } from './socket.js';
import { createSocketAuth } from './socketAuth.js';
import { createTokenRenewal } from './tokenRenewal.js';
import { createRooms } from './rooms.js';
import { describe, humanMessage, isExpiry, roomMessage } from './errors.js';

const MAX_CHAT_MESSAGES = 200;

const auth = createAuth({ io });
const sockets = createSocketFactory({ io, auth });
const socketAuth = createSocketAuth({ sockets });
const renewal = createTokenRenewal({ auth, socketAuth });
const rooms = createRooms({ auth, socketAuth });

const byId = (id) => document.getElementById(id);
const view = {
  mode: byId('mode'),
  connectionState: byId('connection-state'),
  sessionExpired: byId('session-expired'),
  loginForm: byId('login-form'),
  username: byId('username'),
  password: byId('password'),
  loginHttp: byId('login-http'),
  loginWs: byId('login-ws'),
  loginError: byId('login-error'),
  session: byId('session'),
  user: byId('user'),
  tokenRemaining: byId('token-remaining'),
  renewalState: byId('renewal-state'),
  renewalDue: byId('renewal-due'),
  tokenRenewsIn: byId('token-renews-in'),
  tokenRenewals: byId('token-renewals'),
  renewalError: byId('renewal-error'),
  reconnect: byId('reconnect'),
  logout: byId('logout'),
  rooms: byId('rooms'),
  roomsNone: byId('rooms-none'),
  roomTryForm: byId('room-try-form'),
  roomOther: byId('room-other'),
  roomTry: byId('room-try'),
  roomTryChat: byId('room-try-chat'),
  roomStatus: byId('room-status'),
  chatRoom: byId('chat-room'),
  chatForm: byId('chat-form'),
  chatInput: byId('chat-input'),
  chatSend: byId('chat-send'),
  chatLog: byId('chat-log'),
  lastErrorBox: byId('last-error-box'),
  lastError: byId('last-error'),
};

/** Whether to show "Session expired": from an expiry until the next sign-in or log out. */
let sessionExpired = false;
let loginInFlight = false;
let expiryTimer = null;
/** The channels #rooms and #chat-room show, as JSON: what renderRooms last drew. */
let renderedRooms = '';

// ---- rendering -------------------------------------------------------------------------------------------

function render() {
  const signedIn = auth.token() !== null;
  view.loginForm.hidden = signedIn;
  view.session.hidden = !signedIn;
  view.sessionExpired.hidden = signedIn || !sessionExpired;
  view.user.textContent = signedIn ? auth.username() ?? '(unknown)' : '';
  view.connectionState.textContent = socketAuth.state;
  view.connectionState.dataset.state = socketAuth.state;
  view.reconnect.hidden = !signedIn || socketAuth.active;
  const authenticated = socketAuth.state === 'authenticated';
  view.chatSend.disabled = !authenticated;
  view.roomTry.disabled = !authenticated;
  view.roomTryChat.disabled = !authenticated;
  for (const button of view.rooms.querySelectorAll('button')) {
    button.disabled = !authenticated;
  }
  const error = socketAuth.lastError;
  view.lastError.textContent = error ? describe(error) : '';
  view.lastErrorBox.hidden = !error;
  view.loginHttp.disabled = loginInFlight;
  view.loginWs.disabled = loginInFlight;
  view.loginForm.setAttribute('aria-busy', String(loginInFlight));
  renderCountdown();
}

/** The token's remaining lifetime and the next renewal, in whole seconds: rendered every second. */
function renderCountdown() {
  const remaining = auth.remainingSeconds();
  view.tokenRemaining.textContent = remaining === null ? '' : String(remaining);
  const renewsAt = renewal.renewsAt;
  view.renewalDue.hidden = renewsAt === null;
  view.tokenRenewsIn.textContent = renewsAt === null ? '' : String(secondsUntil(renewsAt));
  view.renewalState.textContent = renewal.state;
  view.renewalState.dataset.state = renewal.state;
  view.tokenRenewals.textContent = String(renewal.renewals);
  view.renewalError.textContent = renewal.lastError ? renewalProblem(renewal.lastError, renewsAt) : '';
}

function secondsUntil(time) {
  return Math.max(0, Math.ceil((time - Date.now()) / 1000));
}

function renewalProblem(error, retryAt) {
  const next = retryAt === null ? 'The session ends when the token expires.' : 'Trying again.';
  return `Automatic renewal failed: ${humanMessage(error)} ${next}`;
}

/** The channels the token lists, each with a Join or Leave button, and the chat's choice of recipients. */
function renderRooms() {
  const allowed = rooms.allowed;
  const joined = rooms.joined;
  const shown = JSON.stringify([allowed, joined]);
  if (shown !== renderedRooms) { // redrawn only when they change: a renewal usually changes nothing
    renderedRooms = shown;
    view.rooms.replaceChildren(...allowed.map((room) => roomItem(room, joined.includes(room))));
    const selected = view.chatRoom.value;
    const everyone = new Option('Everyone', '');
    view.chatRoom.replaceChildren(everyone, ...joined.map((room) => new Option(`#${room}`, room)));
    view.chatRoom.value = joined.includes(selected) ? selected : '';
  }
  view.roomsNone.hidden = allowed.length > 0 || auth.token() === null;
  render();
}

function roomItem(room, joined) {
  const item = document.createElement('li');
  item.dataset.room = room;
  item.dataset.joined = String(joined);
  const name = document.createElement('span');
  name.className = 'room-name';
  name.textContent = room;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'secondary';
  button.dataset.room = room;
  button.dataset.action = joined ? 'leave' : 'join';
  button.textContent = joined ? 'Leave' : 'Join';
  button.setAttribute('aria-label', `${button.textContent} ${room}`);
  item.append(name, button);
  return item;
}

/** What became of a channel request, or what the server refused on its own, in #room-status. */
function showRoomOutcome(action, result) {
  view.roomStatus.textContent = roomMessage(action, result);
  view.roomStatus.dataset.outcome = roomOutcome(action, result);
}

function roomOutcome(action, result) {
  if (result.ok) {
    return { join: 'joined', leave: 'left' }[action] ?? 'sent';
  }
  return result.error === 'forbidden' || action === 'removed' || action === 'event' ? 'forbidden' : 'error';
}

function clearRoomOutcome() {
  view.roomStatus.textContent = '';
  view.roomStatus.dataset.outcome = '';
}

function addChatMessage({ from, text, room }) {
  const item = document.createElement('li');
  if (typeof room === 'string') {
    const channel = document.createElement('span');
    channel.className = 'room';
    channel.textContent = `[${room}] `;
    item.dataset.room = room;
    item.append(channel);
  }
  const name = document.createElement('strong');
  name.textContent = String(from);
  item.append(name, `: ${String(text)}`);
  if (String(from) === auth.username()) {
    item.classList.add('mine');
  }
  view.chatLog.append(item);
  while (view.chatLog.children.length > MAX_CHAT_MESSAGES) {
    view.chatLog.firstElementChild.remove();
  }
  view.chatLog.scrollTop = view.chatLog.scrollHeight;
}

// ---- session ---------------------------------------------------------------------------------------------

/** Connects with the token we hold, or shows why we cannot. */
function startSession() {
  if (auth.token() === null) {
    return;
  }
  if (auth.isExpired()) {
    expire();
    return;
  }
  scheduleExpiry();
  socketAuth.start();
  renewal.start();
  render();
}

/** Drops the connection and the token; the login form comes back. */
function endSession(reason) {
  clearTimeout(expiryTimer);
  expiryTimer = null;
  renewal.stop();
  socketAuth.stop();
  auth.logout(reason);
  view.chatLog.replaceChildren();
  clearRoomOutcome();
  render();
}

function expire() {
  sessionExpired = true;
  endSession('expired');
  view.username.focus();
}

/**
 * Expires the session the moment the server stops accepting the token, at its `exp` plus the server's leeway (the
 * one-second tick is the fallback for sleeping tabs).
 */
function scheduleExpiry() {
  clearTimeout(expiryTimer);
  expiryTimer = null;
  const usableUntil = auth.usableUntil();
  if (usableUntil !== null) {
    const delay = Math.min(Math.max(0, usableUntil - Date.now()), 2 ** 31 - 1);
    expiryTimer = setTimeout(tick, delay);
  }
}

function tick() {
  if (auth.token() !== null && auth.isExpired()) {
    expire();
  } else {
    renderCountdown();
  }
}

// ---- login -----------------------------------------------------------------------------------------------

async function signIn(method) {
  if (loginInFlight) {
    return;
  }
  const username = view.username.value.trim();
  const password = view.password.value;
  view.loginError.textContent = '';
  loginInFlight = true;
  render();
  try {
    if (method === 'ws') {
      await auth.loginOverWebSocket(username, password);
    } else {
      await auth.login(username, password);
    }
    // auth's change event has started the session.
    view.username.value = '';
    socketAuth.whenAuthenticated().then(() => view.chatInput.focus(), () => {});
  } catch (error) {
    view.loginError.textContent = humanMessage(error);
    (username === '' ? view.username : view.password).focus();
  } finally {
    view.password.value = '';
    loginInFlight = false;
    render();
  }
}

// ---- events ----------------------------------------------------------------------------------------------

auth.addEventListener('change', (event) => {
  const { token, reason, renewal: renewed } = event.detail;
  if (renewed) {
    // A fresh token for the same person (renewed here or in another tab): the session and its socket go on, and
    // tokenRenewal authenticates the socket with it.
    scheduleExpiry();
  } else if (token !== null) {
    // Signed in here, or in another tab.
    sessionExpired = false;
    view.loginError.textContent = '';
    socketAuth.stop(); // another tab may have replaced a token we were connected with
    startSession();
  } else if (reason === 'storage') {
    // Signed out in another tab.
    endSession('storage');
  }
  render();
});

socketAuth.addEventListener('statechange', render);
renewal.addEventListener('statechange', render);
renewal.addEventListener('renewed', render);
socketAuth.addEventListener('error', render);
socketAuth.addEventListener('refused', (event) => {
  // The server will not take this token (expired, bad signature, none, …): it is of no further use.
  if (isExpiry(event.detail.error)) {
    sessionExpired = true;
  }
  endSession('refused');
  view.username.focus();
});
socketAuth.on('chat', (message) => {
  if (message && typeof message === 'object') {
    addChatMessage(message);
  }
});
rooms.addEventListener('change', renderRooms);
rooms.addEventListener('forbidden', (event) => {
  const { action, room, message } = event.detail;
  showRoomOutcome(action, { ok: false, room, error: 'forbidden', message });
});

view.loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  signIn('http');
});
view.loginWs.addEventListener('click', () => signIn('ws'));

view.logout.addEventListener('click', () => {
  sessionExpired = false;
  endSession('logout');
  view.username.focus();
});

view.reconnect.addEventListener('click', () => startSession());

view.chatForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = view.chatInput.value.trim();
  const room = view.chatRoom.value || null;
  if (text !== '' && socketAuth.state === 'authenticated') {
    view.chatInput.value = '';
    rooms.send(text, room).then((result) => {
      if (!result.ok) {
        showRoomOutcome('chat', result);
      }
    });
  }
  view.chatInput.focus();
});

view.rooms.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-room]');
  if (button === null) {
    return;
  }
  const { room, action } = button.dataset;
  const result = await (action === 'leave' ? rooms.leave(room) : rooms.join(room));
  showRoomOutcome(action, result);
});

view.roomTryForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const room = view.roomOther.value.trim();
  if (room !== '') {
    showRoomOutcome('join', await rooms.join(room));
  }
});

view.roomTryChat.addEventListener('click', async () => {
  const room = view.roomOther.value.trim();
  if (room !== '') {
    showRoomOutcome('chat', await rooms.send(`Hello, ${room}!`, room));
  }
});

// ---- start -----------------------------------------------------------------------------------------------

renderRooms();
// The server's leeway decides whether a token is still good (one kept from an earlier visit, say): learn it first.
sockets.settings().then(
  ({ mode, leewayMs }) => {
    view.mode.textContent = mode;
    auth.setLeeway(leewayMs);
  },
  () => {
    view.mode.textContent = 'unknown';
  },
).finally(() => {
  setInterval(tick, 1000);
  startSession(); // a token kept from an earlier visit: straight back in, if the server still takes it
});
