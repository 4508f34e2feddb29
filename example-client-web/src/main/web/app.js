// The example's web page: logs in with POST /login and shows when the token expires.
// The token stays in memory only (never in localStorage): reloading the page logs you out.

const form = document.getElementById('login');
const status = document.getElementById('status');
let token = null;

/** The current token, or null before login. */
export function currentToken() {
  return token;
}

/** The claims of a JWT, decoded but not verified (the server verifies). */
export function decodeClaims(jwt) {
  const base64 = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

async function showMode() {
  const mode = document.getElementById('mode');
  try {
    const response = await fetch('/mode');
    mode.textContent = (await response.json()).mode;
  } catch {
    mode.textContent = 'unknown';
  }
}

async function login(event) {
  event.preventDefault();
  const fields = new FormData(form);
  status.textContent = 'Logging in…';
  try {
    const response = await fetch('/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: fields.get('username'), password: fields.get('password') }),
    });
    const body = await response.json();
    if (!response.ok) {
      token = null;
      status.textContent = `Login failed: ${body.error ?? response.status}`;
      return;
    }
    token = body.token;
    const claims = decodeClaims(token);
    status.textContent = `Logged in as ${claims.sub}. Your token expires at ${new Date(claims.exp * 1000).toLocaleString()}.`;
  } catch (error) {
    token = null;
    status.textContent = `Login failed: ${error.message}`;
  } finally {
    form.elements.password.value = '';
  }
}

form.addEventListener('submit', login);
showMode();
