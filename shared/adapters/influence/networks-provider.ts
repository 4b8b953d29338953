import { PermanentHelpdeskError } from '../../domain/errors.js';
import type { RequesterDetails, SocialHandle, TrustLevel } from '../../domain/events.js';
import { combineHandleScores, type HandleScore, higherTrust } from '../../domain/network-score.js';
import type { ScoreProvider } from '../../domain/ports.js';
import type { ScoreLookup, ScoreRequest } from '../../domain/score-lookup.js';
import { computeReachScore, REACH_MODEL_VERSION } from '../../domain/score-model.js';
import type { InfluenceScore } from '../../domain/score.js';
import type { NetworkCallContext, NetworkClient, NetworkDescriptor } from './network-client.js';
import { type FailedLookup, failureOf } from './provider-failures.js';

/** One network turned on for the tenant, with its client. */
export interface EnabledNetwork {
  descriptor: NetworkDescriptor;
  client: NetworkClient;
}

/** How one tenant scores from open networks. */
export interface NetworksProviderOptions {
  networks: readonly EnabledNetwork[];
  /** The least trust that may raise priority. */
  minTrust: TrustLevel;
  /** The whole lookup on the ticket path, all handles side by side. */
  inlineTimeoutMs: number;
  /** The whole lookup of one customer on the scheduled refresh. */
  timeoutMs: number;
  clock: { now(): Date };
  /**
   * The tenant's helpdesk, read on the scheduled refresh (which has no ticket) for the customer's
   * handles as it holds them today and whether it verified their email; absent for a helpdesk
   * that holds no people (undefined).
   */
  helpdesk?: { kind: string; requester(userId: string): Promise<RequesterDetails | undefined> };
}

const DAY_MS = 86_400_000;

/** The domain of an email address, lower-cased. */
function emailDomain(email: string | undefined): string | undefined {
  const at = email?.lastIndexOf('@') ?? -1;
  return email && at > 0
    ? email
        .slice(at + 1)
        .trim()
        .toLowerCase()
    : undefined;
}

type HandleResult = { score: HandleScore } | { failure: FailedLookup };

/**
 * Scores a customer from the public profiles of the handles linked to them on the networks the
 * tenant turned on: each handle on its own (looked up side by side, within `inlineTimeoutMs` on
 * the ticket path), the customer's score the best one whose handle is trusted at least
 * `minTrust`, the explanation naming it and the others. A less trusted handle's score is kept and
 * shown but raises nothing (`unusedReason`). A handle looked up less than the refresh interval ago
 * is not fetched again; an invalid handle is refused before any request; a network's opt-out flag
 * means no score for that handle.
 *
 * @example await new NetworksScoreProvider({ networks, minTrust: 'verified', inlineTimeoutMs: 800, timeoutMs: 5000, clock }).score(request)
 */
export class NetworksScoreProvider implements ScoreProvider {
  readonly name = 'networks';

  constructor(private readonly options: NetworksProviderOptions) {}

  /** The scheduled refresh: lets each network fetch its due handles in batches before they are scored one by one. */
  async prepare(requests: readonly ScoreRequest[]): Promise<void> {
    const now = this.options.clock.now();
    const context: NetworkCallContext = { purpose: 'scheduled', now, deadlineMs: now.getTime() + this.options.timeoutMs * 10 };
    for (const { descriptor, client } of this.options.networks) {
      if (!client.prefetch) continue;
      const handles = requests.flatMap((request) =>
        this.#handlesOf(request)
          .filter((entry) => entry.network === descriptor)
          .filter((entry) => !this.#reusable(request, entry.network.name, entry.handle))
          .map((entry) => entry.handle),
      );
      if (handles.length > 0) await client.prefetch(handles, context);
    }
  }

  async score(given: ScoreRequest): Promise<ScoreLookup> {
    const read = await this.#withHelpdesk(given);
    if ('outcome' in read) return read;
    const { request } = read;
    const handles = this.#handlesOf(request);
    if (handles.length === 0) {
      const names = this.options.networks.map((network) => network.descriptor.label).join(', ');
      return { outcome: 'no-score', reason: `no handle on a network this tenant scores from (${names})` };
    }
    const budget = request.purpose === 'inline' ? this.options.inlineTimeoutMs : this.options.timeoutMs;
    const context: NetworkCallContext = {
      purpose: request.purpose,
      now: request.now,
      deadlineMs: this.options.clock.now().getTime() + budget,
      ...(this.#emailDomain(request) ? { emailDomain: this.#emailDomain(request) } : {}),
    };
    const results = await Promise.all(handles.map((entry) => this.#scoreHandle(request, entry, context)));
    const scores = results.flatMap((result) => ('score' in result ? [result.score] : []));
    const failures = results.flatMap((result) => ('failure' in result ? [result.failure] : []));
    const label = (name: string) => this.options.networks.find((n) => n.descriptor.name === name)?.descriptor.label ?? name;
    const combined = combineHandleScores(scores, this.options.minTrust, label);
    // A failure that leaves data past a network's terms names it first: the stored score must go.
    const failure = failures.find((f) => f.deleteStored !== undefined) ?? failures[0];
    // A network that failed may hold the best handle: the customer is tried again rather than scored lower.
    if (failure && !combined.usable) return failure;
    if (!combined.best?.value) return { outcome: 'no-score', reason: combined.explanation };
    const best = combined.best;
    const score: InfluenceScore = {
      value: combined.best.value,
      source: 'networks',
      modelVersion: REACH_MODEL_VERSION,
      scoredAt: request.now.toISOString(),
      refreshAfter: new Date(request.now.getTime() + request.refreshAfterDays * DAY_MS).toISOString(),
      components: {},
      inputs: { ...best.inputs, network: best.network },
      explanation: combined.explanation,
      handles: scores,
      trust: best.trust,
      ...(combined.unusedReason ? { unusedReason: combined.unusedReason } : {}),
    };
    return { outcome: 'scored', score };
  }

  /** Without a ticket, the customer as their helpdesk holds them now: its handles added to the stored ones. */
  async #withHelpdesk(request: ScoreRequest): Promise<{ request: ScoreRequest } | FailedLookup> {
    const helpdesk = this.options.helpdesk;
    // The ticket path already read the helpdesk where it could; it never waits for a second read.
    if (request.purpose !== 'scheduled' || request.requesterDetails || !helpdesk) return { request };
    const prefix = `${helpdesk.kind}:`;
    const userId = request.profile.identities.helpdeskUserIds.find((id) => id.startsWith(prefix))?.slice(prefix.length);
    if (!userId) return { request };
    let details: RequesterDetails | undefined;
    try {
      details = await helpdesk.requester(userId);
    } catch (error) {
      // A user deleted in the helpdesk leaves the handles already stored; any other failure is
      // retried, since scoring without the verified email could only give a lower trust.
      if (error instanceof PermanentHelpdeskError && error.status === 404) return { request };
      return failureOf(error);
    }
    if (!details) return { request };
    const stored = request.profile.identities.handles;
    const key = (handle: SocialHandle) => `${handle.network.toLowerCase()}\n${handle.handle.trim().toLowerCase()}`;
    const known = new Set(stored.map(key));
    const handles = [...stored, ...details.handles.filter((handle) => !known.has(key(handle)))];
    const profile = { ...request.profile, identities: { ...request.profile.identities, handles } };
    return { request: { ...request, profile, requesterDetails: details } };
  }

  #emailDomain(request: ScoreRequest): string | undefined {
    // An email the helpdesk says it has not verified proves nothing about a domain.
    if (request.requesterDetails?.emailVerified === false) return undefined;
    return emailDomain(request.requesterDetails?.email ?? request.requester?.email);
  }

  /** The profile's handles on the tenant's networks, as each network writes them (the invalid ones kept, to say why). */
  #handlesOf(request: ScoreRequest): { network: NetworkDescriptor; client: NetworkClient; handle: string; given: SocialHandle }[] {
    return request.profile.identities.handles.flatMap((given) => {
      const network = this.options.networks.find((n) => n.descriptor.name === given.network.toLowerCase());
      if (!network) return [];
      const parsed = network.descriptor.parseHandle(given.handle);
      return [{ network: network.descriptor, client: network.client, handle: parsed.ok ? parsed.handle : given.handle, given }];
    });
  }

  /** The handle's entry of the stored score while it is fresh: not fetched again before the refresh interval. */
  #reusable(request: ScoreRequest, network: string, handle: string): HandleScore | undefined {
    const previous = request.profile.score?.handles?.find((h) => h.network === network && h.handle === handle);
    if (!previous) return undefined;
    const fresh = Date.parse(previous.fetchedAt) + request.refreshAfterDays * DAY_MS > request.now.getTime();
    return fresh ? previous : undefined;
  }

  async #scoreHandle(
    request: ScoreRequest,
    entry: { network: NetworkDescriptor; client: NetworkClient; handle: string; given: SocialHandle },
    context: NetworkCallContext,
  ): Promise<HandleResult> {
    const { network, handle } = entry;
    const previous = request.profile.score?.handles?.find((h) => h.network === network.name && h.handle === handle);
    // Trust once proven stays with the handle (the email it was proven against is not kept).
    const trust = higherTrust(entry.given.trust, previous?.trust);
    const base = { network: network.name, handle, trust, fetchedAt: request.now.toISOString(), inputs: {} };
    const parsed = network.parseHandle(entry.given.handle);
    if (!parsed.ok) return { score: { ...base, explanation: `${network.label} ${handle}: ${parsed.reason}`, noScore: parsed.reason } };
    const reusable = this.#reusable(request, network.name, handle);
    if (reusable) return { score: { ...reusable, trust } };

    const answer = await entry.client.lookup(handle, context);
    if (answer.outcome === 'failed') {
      // A network's own limit holds back only that network: the refresh goes on with the others.
      const held = answer.kind === 'rate-limited' ? { ...answer, part: network.label } : answer;
      const expired =
        previous &&
        network.keepDataDays !== undefined &&
        request.now.getTime() - Date.parse(previous.fetchedAt) > network.keepDataDays * DAY_MS;
      return { failure: expired ? { ...held, deleteStored: `${network.label} data is kept at most ${network.keepDataDays} days` } : held };
    }
    if (answer.outcome === 'no-score')
      return { score: { ...base, explanation: `${network.label} ${handle}: ${answer.reason}`, noScore: answer.reason } };
    const result = computeReachScore(answer.inputs);
    return {
      score: {
        ...base,
        trust: answer.proven ? higherTrust(trust, 'verified') : trust,
        value: result.score,
        // "Reach 64 (high): ..." becomes "Reach 64 on Bluesky (high): ...".
        explanation: result.explanation.replace(/^Reach (\d+) \(/, `Reach $1 on ${network.label} (`),
        inputs: { ...result.inputs },
      },
    };
  }
}
