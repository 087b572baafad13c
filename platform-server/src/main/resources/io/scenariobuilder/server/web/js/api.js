// The one place the page talks to the server: every call carries the key, and every error becomes one shape
// (ApiError: status, code, message, details) that the views show as it is.

const KEY = 'sb.apiKey';

export const auth = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  set(key) {
    sessionStorage.setItem(KEY, key);
  },
  clear() {
    sessionStorage.removeItem(KEY);
  },
};

let whoami = null;

/** The key in use: {id, name, role} (GET /api/v1/keys/current), asked once per key. */
export function currentKey() {
  if (!whoami || whoami.key !== auth.key) {
    whoami = { key: auth.key, answer: api('/api/v1/keys/current') };
  }
  return whoami.answer;
}

export class ApiError extends Error {
  constructor(status, code, message, details = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export async function api(path, { method = 'GET', body, key = auth.key, headers: extra = {} } = {}) {
  const headers = { ...extra, Authorization: `Bearer ${key}` };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'unreachable', `the server did not answer (${e.message})`);
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!response.ok) {
    const error = data && data.error;
    throw new ApiError(response.status, error?.code ?? `http_${response.status}`,
      error?.message ?? (response.statusText || 'the request failed'), error?.details ?? []);
  }
  return data;
}

/**
 * A live stream (WebSocket) that reconnects after a drop, with the key as the subprotocol `bearer.<key>` (a browser
 * cannot set headers on a WebSocket). onMessage gets each parsed message; onState 'open' | 'closed' | 'error:<reason>'.
 */
export function stream(path, params, onMessage, onState = () => {}) {
  let socket;
  let stopped = false;
  let delay = 500;
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}?${query}`;
  const connect = () => {
    socket = new WebSocket(url, [`bearer.${auth.key}`]);
    socket.onopen = () => {
      delay = 500;
      onState('open');
    };
    socket.onmessage = (event) => onMessage(JSON.parse(event.data));
    socket.onclose = (event) => {
      if (stopped) {
        return;
      }
      onState(event.code === 1008 ? `error:${event.reason}` : 'closed');
      setTimeout(() => !stopped && connect(), delay);
      delay = Math.min(delay * 2, 10000);
    };
  };
  connect();
  return {
    close() {
      stopped = true;
      socket?.close();
    },
  };
}
