// Every option Newsdesk reads, in one table: env name, default, parser. Parsed once at start into a
// typed Config that is passed down; nothing else reads process.env. A bad value stops start-up with a
// message naming the variable and what it expects.
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import crypto from 'node:crypto';
import { isTimeZone } from './platform/time.ts';

export class ConfigError extends Error {
  constructor(readonly variable: string, expected: string, got: string | undefined) {
    super(`${variable}: expected ${expected}, got ${JSON.stringify(got)}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string, def: string): string {
  const v = env[name];
  return v === undefined || v === '' ? def : v;
}

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const v = env[name];
  if (v === undefined || v === '') return def;
  if (!/^\d+$/.test(v.trim())) throw new ConfigError(name, `a whole number from ${min} to ${max}`, v);
  const n = Number(v);
  if (n < min || n > max) throw new ConfigError(name, `a whole number from ${min} to ${max}`, v);
  return n;
}

function bool(env: Env, name: string, def: boolean): boolean {
  const v = env[name];
  if (v === undefined || v === '') return def;
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  throw new ConfigError(name, 'true or false', v);
}

function url(env: Env, name: string, def: string, protocols: string[]): string {
  const v = str(env, name, def);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new ConfigError(name, `a URL (${protocols.join(' or ')})`, v);
  }
  if (!protocols.includes(u.protocol)) throw new ConfigError(name, `a URL (${protocols.join(' or ')})`, v);
  return v.replace(/\/+$/, '');
}

function timeZone(env: Env, name: string, def: string): string {
  const v = str(env, name, def);
  if (!isTimeZone(v)) throw new ConfigError(name, 'an IANA time zone such as Europe/London or America/New_York', v);
  return v;
}

function enumOf<T extends string>(env: Env, name: string, def: T, values: readonly T[]): T {
  const v = str(env, name, def);
  if (!values.includes(v as T)) throw new ConfigError(name, `one of ${values.join(', ')}`, v);
  return v as T;
}

export interface Config {
  port: number;
  host: string;
  siteUrl: string;
  dataDir: string;
  databaseUrl: string | null;
  timeZone: string;
  publicationName: string;
  locale: string;
  demoContent: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  secretKey: string;
  pageCacheEntries: number;
  smtpUrl: string | null;
  mailFrom: string;
  trustProxy: boolean;
  /** Let webhooks call loopback and private addresses (off: no SSRF into the server's network). */
  webhooksAllowPrivate: boolean;
  /** Content API requests per minute per client address; 0 turns the limit off. */
  contentApiRateLimit: number;
  /** Newsletter sign-ups per hour per client address / per email address; 0 turns a limit off. */
  signupLimitPerIp: number;
  signupLimitPerAddress: number;
  /** Secret that bounce/complaint webhooks (/webhooks/mail/*) must present; empty disables them. */
  mailWebhookSecret: string;
  /** WebSub hub (WEBSUB_HUB) the feeds name with rel="hub" and that is pinged when they change; null: none. */
  websubHub: string | null;
  /** Newsletter delivery engine (src/newsletters/delivery): rates, pool, retries, DKIM. */
  delivery: DeliveryConfig;
  /** The newswire's feed poller and page fetcher (src/newswire). */
  wire: WireConfig;
  /** Members (src/members): sign-in link lifetime and limits. */
  members: MembersConfig;
  /** Paid plans through Stripe (src/members/stripe.ts): unset keys mean payments are not set up. */
  stripe: StripeConfig;
}

export interface StripeConfig {
  /** STRIPE_SECRET_KEY (sk_… or a restricted rk_… key); null: no Checkout, no customer portal. */
  secretKey: string | null;
  /** STRIPE_WEBHOOK_SECRET (whsec_…) that /webhooks/stripe checks signatures against; null: webhooks refused. */
  webhookSecret: string | null;
  /** STRIPE_API_URL split for the library's host/port/protocol options; null: Stripe itself. */
  api: { host: string; port: number; protocol: 'http' | 'https' } | null;
}

function stripeConfig(env: Env): StripeConfig {
  const key = str(env, 'STRIPE_SECRET_KEY', '');
  if (key && !/^(sk|rk)_[A-Za-z0-9_]{6,}$/.test(key)) throw new ConfigError('STRIPE_SECRET_KEY', 'a Stripe secret key (sk_live_…, sk_test_… or a restricted rk_… key)', '(hidden)');
  const hook = str(env, 'STRIPE_WEBHOOK_SECRET', '');
  if (hook && !/^whsec_[A-Za-z0-9+/=_-]{6,}$/.test(hook)) throw new ConfigError('STRIPE_WEBHOOK_SECRET', "the webhook endpoint's signing secret (whsec_…)", '(hidden)');
  let api: StripeConfig['api'] = null;
  if (env.STRIPE_API_URL) {
    const u = new URL(url(env, 'STRIPE_API_URL', '', ['http:', 'https:']));
    if (u.pathname !== '/' || u.search || u.username) throw new ConfigError('STRIPE_API_URL', 'a base URL with no path, such as http://127.0.0.1:12111', env.STRIPE_API_URL);
    const protocol = u.protocol === 'http:' ? 'http' : 'https';
    api = { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : protocol === 'http' ? 80 : 443, protocol };
  }
  return { secretKey: key || null, webhookSecret: hook || null, api };
}

export interface MembersConfig {
  /** Minutes a reader's sign-in link works (MEMBER_LINK_TTL_MINUTES, default 15). */
  linkTtlMinutes: number;
  /** Sign-in/register link requests per 15 minutes per client address and per email address. */
  linkLimitPerIp: number;
  linkLimitPerAddress: number;
}

/** Parse the environment (plus ./.env when present) into a Config. Throws ConfigError on a bad value. */
export function loadConfig(env: Env = process.env, opts: { loadDotEnv?: boolean } = {}): Config {
  if (opts.loadDotEnv !== false && env === process.env && fs.existsSync('.env')) {
    // Node's own parser; variables already set in the environment win over the file.
    process.loadEnvFile('.env');
  }
  const port = int(env, 'PORT', 3000, 0, 65535);
  const dataDir = path.resolve(str(env, 'DATA_DIR', './data'));
  const databaseUrl = env.DATABASE_URL ? url(env, 'DATABASE_URL', '', ['postgres:', 'postgresql:']) : null;
  const mailFrom = str(env, 'MAIL_FROM', '');
  if (mailFrom && !/^(?:[^<>@\s]+ )*<?[^<>@\s]+@[^<>@\s]+>?$/.test(mailFrom)) {
    throw new ConfigError('MAIL_FROM', 'an address such as "The Ledger <news@example.com>"', mailFrom);
  }
  const config: Config = {
    port,
    host: str(env, 'HOST', '127.0.0.1'),
    siteUrl: url(env, 'SITE_URL', `http://localhost:${port}`, ['http:', 'https:']),
    dataDir,
    databaseUrl,
    timeZone: timeZone(env, 'TIME_ZONE', 'UTC'),
    publicationName: str(env, 'PUBLICATION_NAME', 'The Ledger'),
    locale: str(env, 'LOCALE', 'en-GB'),
    demoContent: bool(env, 'DEMO_CONTENT', true),
    logLevel: enumOf(env, 'LOG_LEVEL', 'info', ['debug', 'info', 'warn', 'error', 'silent'] as const),
    secretKey: '',
    pageCacheEntries: int(env, 'PAGE_CACHE_ENTRIES', 2000, 0, 1_000_000),
    smtpUrl: env.SMTP_URL ? url(env, 'SMTP_URL', '', ['smtp:', 'smtps:']) : null,
    mailFrom,
    trustProxy: bool(env, 'TRUST_PROXY', false),
    webhooksAllowPrivate: bool(env, 'WEBHOOKS_ALLOW_PRIVATE', false),
    contentApiRateLimit: int(env, 'CONTENT_API_RATE_LIMIT', 1200, 0, 10_000_000),
    signupLimitPerIp: int(env, 'SIGNUP_LIMIT_PER_IP', 30, 0, 100_000_000),
    signupLimitPerAddress: int(env, 'SIGNUP_LIMIT_PER_ADDRESS', 5, 0, 100_000_000),
    mailWebhookSecret: str(env, 'MAIL_WEBHOOK_SECRET', ''),
    websubHub: env.WEBSUB_HUB ? url(env, 'WEBSUB_HUB', '', ['http:', 'https:']) : null,
    delivery: deliveryConfig(env),
    wire: null as unknown as WireConfig,
    members: {
      linkTtlMinutes: int(env, 'MEMBER_LINK_TTL_MINUTES', 15, 1, 24 * 60),
      linkLimitPerIp: int(env, 'MEMBER_LINK_LIMIT_PER_IP', 20, 0, 100_000_000),
      linkLimitPerAddress: int(env, 'MEMBER_LINK_LIMIT_PER_ADDRESS', 5, 0, 100_000_000),
    },
    stripe: stripeConfig(env),
  };
  config.wire = wireConfig(env, config.publicationName, config.siteUrl);
  try {
    new Intl.DateTimeFormat(config.locale);
  } catch {
    throw new ConfigError('LOCALE', 'a BCP 47 locale such as en-GB', config.locale);
  }
  if (config.mailWebhookSecret && !/^[A-Za-z0-9_-]{24,}$/.test(config.mailWebhookSecret)) {
    throw new ConfigError('MAIL_WEBHOOK_SECRET', 'at least 24 letters, digits, "-" or "_" (it goes in webhook URLs)', '(hidden)');
  }
  const secret = env.SECRET_KEY;
  if (secret !== undefined && secret !== '') {
    if (secret.length < 32) throw new ConfigError('SECRET_KEY', 'at least 32 characters', '(hidden)');
    config.secretKey = secret;
  }
  return config;
}

/**
 * Secrets not given in the environment are generated on first start and kept in DATA_DIR/secrets.json
 * (mode 0600), so tokens and sessions survive restarts without anyone having to invent a key.
 */
/**
 * What is legal but probably wrong, for `serve` to warn about at start-up. SITE_URL over plain http
 * outside loopback: sign-in and subscription links travel in the clear, and RFC 8058 one-click
 * unsubscribe wants an https URI (Gmail and Yahoo ignore an http one).
 */
export function configWarnings(config: Pick<Config, 'siteUrl'>): string[] {
  const u = new URL(config.siteUrl);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1';
  return u.protocol === 'http:' && !loopback
    ? [`SITE_URL ${config.siteUrl} is not https: links in emails (sign-in, confirmation, one-click unsubscribe, which RFC 8058 wants over https) would travel unencrypted. Serve the site over https and set SITE_URL to its https address.`]
    : [];
}

export function ensureSecrets(config: Config): Config {
  if (config.secretKey) return config;
  fs.mkdirSync(config.dataDir, { recursive: true });
  const file = path.join(config.dataDir, 'secrets.json');
  let stored: { secretKey?: string } = {};
  if (fs.existsSync(file)) {
    try {
      stored = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      throw new ConfigError('SECRET_KEY', `unset, or a readable ${file}`, 'unreadable secrets.json');
    }
  }
  if (!stored.secretKey) {
    stored.secretKey = crypto.randomBytes(32).toString('base64url');
    fs.writeFileSync(file, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
  }
  return { ...config, secretKey: stored.secretKey };
}

export interface DeliveryConfig {
  /** Messages per second over all connections (MAIL_RATE_PER_SECOND); 0 = unlimited. */
  ratePerSecond: number;
  /** At most this many messages per window, e.g. a provider's hourly quota (MAIL_RATE_PER_WINDOW); 0 = unlimited. */
  ratePerWindow: number;
  windowSeconds: number;
  /** Pooled SMTP connections, each a worker claiming its own batches (MAIL_CONNECTIONS). */
  connections: number;
  /** Rows a worker claims at a time (MAIL_BATCH_SIZE): fewer, larger reads; no effect on duplicates. */
  batchSize: number;
  /**
   * The in-flight window per connection (MAIL_INFLIGHT): messages the server may have accepted that
   * are not yet committed as sent. A worker at the limit waits for its write. This bounds what a crash
   * (SIGKILL, power loss) can send twice: at most MAIL_CONNECTIONS x MAIL_INFLIGHT (200 at the
   * defaults). Results are written every MAIL_INFLIGHT / 2 messages.
   */
  inflight: number;
  /** Pause the send when more than this share of the last 100+ attempts failed (0-1; 0 = never). */
  errorThreshold: number;
  retryBaseSeconds: number;
  maxAttempts: number;
  leaseSeconds: number;
  dkim: { domain: string; selector: string; privateKey: string } | null;
}

function deliveryConfig(env: Env): DeliveryConfig {
  const threshold = str(env, 'MAIL_ERROR_THRESHOLD', '0.2').trim();
  if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(threshold)) throw new ConfigError('MAIL_ERROR_THRESHOLD', 'a share from 0 to 1, such as 0.2', threshold);
  const domain = str(env, 'DKIM_DOMAIN', '');
  const selector = str(env, 'DKIM_SELECTOR', '');
  const keyFile = str(env, 'DKIM_PRIVATE_KEY_FILE', '');
  let key = str(env, 'DKIM_PRIVATE_KEY', '');
  if (keyFile) {
    try {
      key = fs.readFileSync(keyFile, 'utf8');
    } catch (e) {
      throw new ConfigError('DKIM_PRIVATE_KEY_FILE', 'a readable PEM private key file', `${keyFile} (${(e as Error).message})`);
    }
  }
  let dkim: DeliveryConfig['dkim'] = null;
  if (domain || selector || key) {
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(domain)) throw new ConfigError('DKIM_DOMAIN', 'the signing domain (d=), set with DKIM_SELECTOR and DKIM_PRIVATE_KEY', domain);
    if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/i.test(selector)) throw new ConfigError('DKIM_SELECTOR', 'the selector (s=), such as "news2026"', selector);
    key = key.replace(/\\n/g, '\n'); // a PEM pasted into one env line
    try {
      const k = crypto.createPrivateKey(key);
      if (k.asymmetricKeyType !== 'rsa' && k.asymmetricKeyType !== 'ed25519') throw new Error('type');
    } catch {
      throw new ConfigError(keyFile ? 'DKIM_PRIVATE_KEY_FILE' : 'DKIM_PRIVATE_KEY', 'an RSA or Ed25519 private key in PEM form', '(hidden)');
    }
    dkim = { domain: domain.toLowerCase(), selector, privateKey: key };
  }
  return {
    ratePerSecond: int(env, 'MAIL_RATE_PER_SECOND', 0, 0, 1_000_000),
    ratePerWindow: int(env, 'MAIL_RATE_PER_WINDOW', 0, 0, 1_000_000_000),
    windowSeconds: int(env, 'MAIL_RATE_WINDOW_SECONDS', 3600, 1, 31 * 86400),
    connections: int(env, 'MAIL_CONNECTIONS', 4, 1, 64),
    batchSize: int(env, 'MAIL_BATCH_SIZE', 250, 1, 10_000),
    inflight: int(env, 'MAIL_INFLIGHT', 50, 1, 10_000),
    errorThreshold: Number(threshold),
    retryBaseSeconds: int(env, 'MAIL_RETRY_BASE_SECONDS', 60, 0, 86400),
    maxAttempts: int(env, 'MAIL_MAX_ATTEMPTS', 6, 1, 100),
    leaseSeconds: int(env, 'MAIL_LEASE_SECONDS', 300, 1, 86400),
    dkim,
  };
}

export interface WireConfig {
  /** Minutes between two polls of a feed (WIRE_POLL_MINUTES). */
  pollMinutes: number;
  /** The least time between the end of one request to a host and the start of the next (WIRE_HOST_GAP_MS). */
  hostGapMs: number;
  /** Names the publication and its URL (WIRE_USER_AGENT). */
  userAgent: string;
  /** Let feeds and pages on loopback and private addresses through (WIRE_ALLOW_PRIVATE): tests, local feeds. */
  allowPrivate: boolean;
  /** One request, redirects and body included (WIRE_TIMEOUT_MS). */
  timeoutMs: number;
  /** The most bytes of a feed or a page, after decompression (WIRE_MAX_BYTES). */
  maxBytes: number;
  maxRedirects: number;
  /** Hosts fetched from at once (WIRE_CONCURRENCY); each host still gets one request at a time. */
  concurrency: number;
  /**
   * Worker threads that extract fetched pages (WIRE_EXTRACT_THREADS; default one, two from four
   * cores; 0 extracts on the main thread), beside the main thread's database and network.
   */
  extractThreads: number;
  /**
   * Subscribe to the WebSub hubs feeds advertise, for push (WIRE_WEBSUB, default false: the hub must
   * reach this site's callback, so the site must be public).
   */
  websub: boolean;
  /** Where hubs reach the callback (WIRE_WEBSUB_CALLBACK_URL, default SITE_URL): `<base>/api/wire/websub/<token>`. */
  websubCallbackBase: string;
  /** The lease asked of hubs, in seconds (WIRE_WEBSUB_LEASE_SECONDS, default 10 days); renewed before it ends. */
  websubLeaseSeconds: number;
}

function wireConfig(env: Env, publicationName: string, siteUrl: string): WireConfig {
  const ua = str(env, 'WIRE_USER_AGENT', `Newsdesk/0.1 (${publicationName}; +${siteUrl})`);
  if (/[\r\n]/.test(ua) || !/^[\x20-\x7e]+$/.test(ua)) throw new ConfigError('WIRE_USER_AGENT', 'one line of printable ASCII naming the publication and its URL', ua);
  return {
    pollMinutes: int(env, 'WIRE_POLL_MINUTES', 10, 1, 7 * 24 * 60),
    hostGapMs: int(env, 'WIRE_HOST_GAP_MS', 1000, 0, 600_000),
    userAgent: ua,
    allowPrivate: bool(env, 'WIRE_ALLOW_PRIVATE', false),
    timeoutMs: int(env, 'WIRE_TIMEOUT_MS', 20_000, 100, 600_000),
    maxBytes: int(env, 'WIRE_MAX_BYTES', 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxRedirects: int(env, 'WIRE_MAX_REDIRECTS', 5, 0, 20),
    concurrency: int(env, 'WIRE_CONCURRENCY', 8, 1, 256),
    extractThreads: int(env, 'WIRE_EXTRACT_THREADS', os.availableParallelism() >= 4 ? 2 : 1, 0, 16),
    websub: bool(env, 'WIRE_WEBSUB', false),
    websubCallbackBase: url(env, 'WIRE_WEBSUB_CALLBACK_URL', siteUrl, ['http:', 'https:']).replace(/\/+$/, ''),
    websubLeaseSeconds: int(env, 'WIRE_WEBSUB_LEASE_SECONDS', 10 * 24 * 3600, 3600, 365 * 24 * 3600),
  };
}
