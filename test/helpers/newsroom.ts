// A small cookie-keeping HTTP client for newsroom tests, and signing in as a staff member through the
// real sign-in link flow.
import assert from 'node:assert/strict';
import type { TestApp } from './app.ts';
import { createStaff, type Staff } from '../../src/staff/staff.ts';
import { INVITE_LINK_TTL, signInLink } from '../../src/staff/signin.ts';

type FormValue = string | string[];

export class Client {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(readonly t: TestApp) {}

  async request(path: string, init: { method?: string; form?: Record<string, FormValue>; json?: unknown; headers?: Record<string, string>; body?: BodyInit } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body = init.body;
    if (init.form) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
      body = p.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers['content-type'] = 'application/json';
      headers.accept ??= 'application/json';
    }
    const res = await fetch(this.t.url + path, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** GET a page and remember its CSRF token. */
  async page(path: string, status = 200): Promise<string> {
    const res = await this.request(path);
    const text = await res.text();
    assert.equal(res.status, status, `${path} answered ${res.status}: ${text.slice(0, 300)}`);
    const m = /data-csrf="([^"]+)"/.exec(text);
    if (m) this.csrf = m[1]!;
    return text;
  }

  /** POST a form with the session's CSRF token. */
  post(path: string, form: Record<string, FormValue> = {}): Promise<Response> {
    return this.request(path, { form: { _csrf: this.csrf, ...form } });
  }

  json(path: string, data: unknown): Promise<Response> {
    return this.request(path, { json: data, headers: { 'x-csrf-token': this.csrf } });
  }
}

export function formToken(html: string): string {
  const m = /name="_signin" value="([^"]+)"/.exec(html);
  assert.ok(m, 'the page has a sign-in form token');
  return m[1]!;
}

/** Follow a sign-in link as a browser would: open it, press the button. */
export async function useLink(c: Client, link: string): Promise<Response> {
  const path = link.replace(/^https?:\/\/[^/]+/, '');
  const res = await c.request(path);
  const page = await res.text();
  assert.equal(res.status, 200, page.slice(0, 500));
  const token = /name="token" value="([^"]+)"/.exec(page)![1]!;
  return c.request('/admin/signin/link/use', { form: { _signin: formToken(page), token } });
}

export async function signedIn(t: TestApp, email: string, role: string, name = ''): Promise<{ c: Client; staff: Staff }> {
  const staff = await createStaff(t.deps.db, { email, role, name });
  const c = new Client(t);
  const res = await useLink(c, signInLink(t.deps, staff.id, INVITE_LINK_TTL));
  assert.equal(res.status, 303);
  await c.page('/admin');
  return { c, staff };
}
