// The signed-in user as /api/v1/me or the sign-in answer describes it.
import { api, setCsrf } from './api.js';

let user = null;

export function currentUser() {
  return user;
}

export function can(perm) {
  return !!user && user.permissions.includes(perm);
}

function adopt(u, csrf) {
  user = u;
  setCsrf(csrf);
  return u;
}

/* The user of the session cookie, or null when there is none. */
export async function restore() {
  try {
    const me = await api('GET', '/me', { auth401: false });
    return adopt(me, me.csrf_token);
  } catch (err) {
    if (err.status === 401) return adopt(null, null);
    throw err;
  }
}

export async function signIn(username, password) {
  const res = await api('POST', '/session', { body: { username, password }, auth401: false });
  return adopt({ ...res.user, idle_timeout: res.idle_timeout }, res.csrf_token);
}

export async function signOut() {
  try {
    await api('DELETE', '/session', { auth401: false });
  } finally {
    adopt(null, null);
  }
}

/* Forget the user locally (the server already ended the session). */
export function drop() {
  adopt(null, null);
}

/* Re-reads the user (after a change to the account's roles or name). */
export async function refresh() {
  const me = await api('GET', '/me');
  return adopt(me, me.csrf_token);
}
