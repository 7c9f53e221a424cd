// The JSON API client. The session is the HttpOnly cookie the server sets at
// sign-in; this module only keeps the CSRF token, sent on every write. Any
// 401 (other than a failed sign-in) hands over to the sign-in page.

const BASE = '/api/v1';

// The server's default message per code (src/core/error.c).
const GENERIC = {
  invalid_json: 'the request body is not valid JSON',
  unauthenticated: 'sign in first',
  invalid_credentials: 'wrong username or password',
  forbidden: 'your roles do not allow this',
  csrf_failed: 'missing or wrong X-CSRF-Token or Origin',
  not_found: 'no such object',
  method_not_allowed: 'method not allowed on this path',
  conflict: 'the object already exists or changed meanwhile',
  body_too_large: 'the request body is too large',
  unsupported_media_type: 'send the body as application/json',
  validation_failed: 'a field is missing or invalid',
  account_locked: 'too many failed sign-ins; the account is locked for a while',
  rate_limited: 'too many requests; try again later',
  internal_error: 'internal error; the request id is in the server log',
  unavailable: 'the server is busy; try again',
};

export class ApiError extends Error {
  constructor(status, code, message, field, retryAfter) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.field = field || null;
    this.retryAfter = retryAfter;
    // The server's default wording adds nothing to the translated code.
    this.generic = !message || GENERIC[code] === message;
  }
}

let csrfToken = null;
let unauthenticatedHandler = null;

export function setCsrf(token) {
  csrfToken = token || null;
}

export function onUnauthenticated(fn) {
  unauthenticatedHandler = fn;
}

/* Builds a query string from the defined, non-empty values only (the API rejects unknown or empty ones). */
export function queryString(query) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) {
    if (v === undefined || v === null || v === '') continue;
    p.set(k, String(v));
  }
  const q = p.toString();
  return q ? `?${q}` : '';
}

/*
 * api('GET', '/orgs/12') → parsed JSON, null for 204; throws ApiError.
 * opts: query (object), body (object), raw ({data, type}: a body sent as is,
 * e.g. a CSV file as text/csv), auth401 (false: do not hand a 401 to the
 * sign-in page, used by the sign-in and session probes).
 */
export async function api(method, path, opts = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  } else if (opts.raw) {
    headers['Content-Type'] = opts.raw.type;
    init.body = opts.raw.data;
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(BASE + path + queryString(opts.query), init);
  } catch (e) {
    throw new ApiError(0, 'network', e.message);
  }
  if (res.status === 204) return null;
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  }
  if (res.ok) return data;
  const e = (data && data.error) || {};
  const err = new ApiError(res.status, e.code || statusCode(res.status), e.message || '', e.field,
    Number(res.headers.get('Retry-After')) || null);
  if (res.status === 401 && opts.auth401 !== false && unauthenticatedHandler) unauthenticatedHandler(err);
  throw err;
}

function statusCode(status) {
  return {
    400: 'invalid_json', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found',
    405: 'method_not_allowed', 409: 'conflict', 413: 'body_too_large', 415: 'unsupported_media_type',
    422: 'validation_failed', 423: 'account_locked', 429: 'rate_limited', 503: 'unavailable',
  }[status] || 'internal_error';
}
