// Every background job by name: the one list. A job is a plain idempotent async function of
// (deps, payload), queued in the jobs table (src/platform/jobs.ts) with the name constant its domain
// exports, and run by the worker that `serve` starts (src/server.ts) or by runDueJobs in tests. Nothing
// registers itself by being imported: a worker that loads this file can run every job.
import type { Deps } from './deps.ts';
import type { JobHandler } from './platform/jobs.ts';
import { sendSignInLinkJob } from './staff/signin.ts';
import { sendAlreadySubscribedJob, sendVerificationJob } from './newsletters/signup-jobs.ts';
import { deliverWebhook } from './webhooks/deliver.ts';
import { wirePollJob } from './newswire/poller.ts';
import { wireClusterJob } from './newswire/stories/live.ts';
import { sendEmailChangeJob, sendMemberLinkJob } from './members/accounts.ts';
import { websubPingJob, websubStoryPingJob } from './publication/websub.ts';
import { cancelStripeSubscriptionJob } from './members/stripe.ts';
import { demoImagesJob } from './demo/images.ts';

export const jobRegistry: Record<string, JobHandler<Deps>> = {
  /** SIGNIN_LINK_JOB: email a newsroom sign-in link, if the address has an enabled account. */
  'staff.send_signin_link': sendSignInLinkJob,
  /** VERIFY_JOB: the double opt-in verification email for everything a person has pending. */
  'newsletters.send_verification': sendVerificationJob,
  /** ALREADY_JOB: "you are already subscribed", to the mailbox only. */
  'newsletters.send_already_subscribed': sendAlreadySubscribedJob,
  /** DELIVER_JOB: one attempt at one webhook delivery (retried with backoff by the queue). */
  'webhooks.deliver': deliverWebhook,
  /** WIRE_POLL_JOB: one newswire poll run (due feeds, pending pages); minutes long, so it has a worker of its own. */
  'newswire.poll': wirePollJob,
  /** WIRE_CLUSTER_JOB: put the wire items not yet in a story into stories (one run at a time). */
  'newswire.cluster': wireClusterJob,
  /** MEMBER_LINK_JOB: a reader's sign-in (or finish-registration) link, to any address asked for. */
  'members.send_signin_link': sendMemberLinkJob,
  /** EMAIL_CHANGE_JOB: the confirmation link for a reader's new address, sent to that address. */
  'members.send_email_change': sendEmailChangeJob,
  /** CANCEL_SUBSCRIPTION_JOB: cancel a deleted account's Stripe subscription that Stripe could not be asked to cancel at the time. */
  'members.cancel_stripe_subscription': cancelStripeSubscriptionJob,
  /** WEBSUB_PING_JOB: tell the WebSub hub (WEBSUB_HUB) that the feeds changed. */
  'websub.ping': websubPingJob,
  /** WEBSUB_STORY_PING_JOB: tell the hub that public wire stories' feeds changed (they gained items). */
  'websub.story_ping': websubStoryPingJob,
  /** DEMO_IMAGES_JOB: draw the demo publication's pictures (seconds of work, once, after the first start). */
  'demo.images': demoImagesJob,
};

/** Jobs that run for minutes: `serve` gives them a worker of their own so that they hold up no email. */
export const longJobs = ['newswire.poll', 'demo.images'];
