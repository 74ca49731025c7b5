// The one job list: src/jobs.ts names every job a domain enqueues, with no help from side effects of
// importing other modules (this file imports no HTTP surface: a bare worker must run every job).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobRegistry } from '../src/jobs.ts';
import { SIGNIN_LINK_JOB } from '../src/staff/signin.ts';
import { ALREADY_JOB, VERIFY_JOB } from '../src/newsletters/signup.ts';
import { DELIVER_JOB } from '../src/webhooks/emit.ts';
import { WIRE_POLL_JOB } from '../src/newswire/poller.ts';
import { WIRE_CLUSTER_JOB } from '../src/newswire/stories/live.ts';
import { WEBSUB_PING_JOB, WEBSUB_STORY_PING_JOB } from '../src/publication/websub.ts';
import { EMAIL_CHANGE_JOB, MEMBER_LINK_JOB } from '../src/members/accounts.ts';
import { DEMO_IMAGES_JOB } from '../src/demo/images.ts';
import { CANCEL_SUBSCRIPTION_JOB } from '../src/members/stripe.ts';

test('every job a domain enqueues is in the list, and nothing else', () => {
  assert.deepEqual(Object.keys(jobRegistry).sort(), [SIGNIN_LINK_JOB, VERIFY_JOB, ALREADY_JOB, DELIVER_JOB, WIRE_POLL_JOB, WIRE_CLUSTER_JOB, MEMBER_LINK_JOB, EMAIL_CHANGE_JOB, WEBSUB_PING_JOB, WEBSUB_STORY_PING_JOB, DEMO_IMAGES_JOB, CANCEL_SUBSCRIPTION_JOB].sort());
  for (const [name, handler] of Object.entries(jobRegistry)) assert.equal(typeof handler, 'function', name);
});
