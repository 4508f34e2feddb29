// Wires the page: the services (auth.js, socket.js, socketAuth.js, tokenRenewal.js) do the work, this module only
// shows it.
// Received text is only ever set with textContent, never parsed as HTML.

import { io } from './vendor/socket.io.esm.min.js';
import { createAuth } from './auth.js';
import { createSocketFactory } from './socket.js';
import { createSocketAuth } from './socketAuth.js';
import { createTokenRenewal } from './tokenRenewal.js';
import { describe, humanMessage, isExpiry } from './errors.js';

const MAX_CHAT_MESSAGES = 200;

const auth = createAuth({ io });
const sockets = createSocketFactory({ io, auth });
const socketAuth = createSocketAuth({ sockets });
const renewal = createTokenRenewal({ auth, socketAuth });

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
  view.chatSend.disabled = socketAuth.state !== 'authenticated';
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

function addChatMessage({ from, text }) {
  const item = document.createElement('li');
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
  render();
}

function expire() {
  sessionExpired = true;
  endSession('expired');
  view.username.focus();
}

/** Expires the session the moment the token does (the one-second tick is the fallback for sleeping tabs). */
function scheduleExpiry() {
  clearTimeout(expiryTimer);
  expiryTimer = null;
  const expiresAt = auth.expiresAt();
  if (expiresAt !== null) {
    const delay = Math.min(Math.max(0, expiresAt - Date.now()), 2 ** 31 - 1);
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
  if (text !== '' && socketAuth.emit('chat', { text })) {
    view.chatInput.value = '';
  }
  view.chatInput.focus();
});

// ---- start -----------------------------------------------------------------------------------------------

sockets.mode().then(
  (mode) => {
    view.mode.textContent = mode;
  },
  () => {
    view.mode.textContent = 'unknown';
  },
);
setInterval(tick, 1000);
startSession(); // a token kept from an earlier visit: straight back in, if it has not expired
render();
