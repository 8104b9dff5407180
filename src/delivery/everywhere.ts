/**
 * Several endpoints in one run: which targets each endpoint's receiver takes, the check that
 * every target the mapping can produce has somewhere to go, and the delivery to every endpoint at
 * once (one failing endpoint does not stop the others: each has its own lanes, retries and stop).
 */
import type { EndpointSettings } from '../endpoints.js';
import type { Rule } from '../mapping/rules.js';
import type { Delivery, Target, TargetRef } from '../types.js';
import { buildReceiver } from './receivers/index.js';
import type { Receiver } from './receivers/types.js';
import { deliverRun, type DeliveryOptions } from './send.js';

export interface EndpointPlan {
  endpoint: EndpointSettings;
  receiver: Receiver;
  /** The targets it gets, in the run's order. */
  taken: Target[];
  /** The targets its receiver cannot take, with why; another endpoint takes each of them. */
  notTaken: Array<{ target: Target; reason: string }>;
}

export interface EndpointsPlan {
  plans: EndpointPlan[];
  /** Set when some target no endpoint takes: a configuration error, and nothing is sent. */
  problem?: string;
}

/** Splits the targets between the endpoints; a target none takes makes the plan a problem. */
export function planEndpoints(targets: readonly Target[], endpoints: readonly EndpointSettings[]): EndpointsPlan {
  const plans: EndpointPlan[] = endpoints.map((endpoint) => ({ endpoint, receiver: buildReceiver(endpoint), taken: [], notTaken: [] }));
  const homeless: string[] = [];
  for (const target of targets) {
    const reasons = plans.map((plan) => plan.receiver.refuses(target));
    if (reasons.every((r) => r !== undefined)) {
      const why = plans.map((plan, i) => `${plan.receiver.name} (${plan.endpoint.display}) ${reasons[i] ?? ''}`).join('; ');
      homeless.push(`${target.type} ${target.value}: ${why}`);
      continue;
    }
    plans.forEach((plan, i) => {
      const reason = reasons[i];
      if (reason === undefined) plan.taken.push(target);
      else plan.notTaken.push({ target, reason });
    });
  }
  if (homeless.length === 0) return { plans };
  const shown = homeless.slice(0, 5).map((h) => `- ${h}`);
  const more = homeless.length > 5 ? [`- … ${homeless.length - 5} more`] : [];
  return {
    plans,
    problem: [
      `${homeless.length} target${homeless.length === 1 ? '' : 's'} no endpoint of the run can take, so nothing was sent (fix the mapping or add an endpoint that takes them):`,
      ...shown,
      ...more,
    ].join('\n'),
  };
}

/**
 * Before anything is read or sent: a kind of target the mapping (or the `paths`/`tags` inputs)
 * can produce that no endpoint takes at all is a configuration error, even when this push
 * produces none of it.
 */
export function kindProblems(
  rules: readonly Rule[],
  extra: { paths: string[]; tags: string[] },
  endpoints: readonly EndpointSettings[],
): string[] {
  if (endpoints.length === 0) return [];
  const receivers = endpoints.map((e) => ({ endpoint: e, receiver: buildReceiver(e) }));
  const problems: string[] = [];
  for (const type of ['path', 'tag'] as const) {
    if (receivers.some((r) => r.receiver.takes.includes(type))) continue;
    const producers = [
      ...rules.filter((r) => (type === 'path' ? r.paths : r.tags).length > 0).map((r) => r.where),
      ...((type === 'path' ? extra.paths : extra.tags).length > 0 ? [`the \`${type}s\` input`] : []),
    ];
    if (producers.length === 0) continue;
    const who = receivers.map((r) => `${r.receiver.name} (${r.endpoint.display})`).join(', ');
    problems.push(
      `${producers.slice(0, 3).join(', ')}${producers.length > 3 ? ` and ${producers.length - 3} more` : ''} produce${producers.length === 1 ? 's' : ''} ${type}s, but no endpoint takes ${type}s: ${who}${receivers.length === 1 ? ' takes' : ' take'} ${type === 'tag' ? 'paths' : 'tags'} only; map to ${type === 'tag' ? 'paths' : 'tags'} instead, or add an endpoint that takes ${type}s`,
    );
  }
  return problems;
}

export type SharedOptions = Omit<
  DeliveryOptions,
  'endpoint' | 'secret' | 'secretHeader' | 'receiver' | 'concurrency' | 'deadline' | 'deadlineNote'
>;

/** Every endpoint at once, each with its own concurrency; its deliveries name it when `named`. */
export async function deliverEverywhere(plans: readonly EndpointPlan[], options: SharedOptions, named: boolean): Promise<Delivery[]> {
  const perEndpoint = await Promise.all(
    plans.map(async (plan) => {
      if (plan.taken.length === 0) return [];
      const tag = (d: Delivery): Delivery => (named ? { ...d, endpoint: plan.endpoint.display } : d);
      const deliveries = await deliverRun(plan.taken, {
        ...options,
        endpoint: plan.endpoint.url,
        secret: plan.endpoint.secret,
        secretHeader: plan.endpoint.secretHeader,
        receiver: plan.receiver,
        concurrency: plan.endpoint.concurrency,
        ...(options.onDelivery ? { onDelivery: (d: Delivery) => options.onDelivery?.(tag(d)) } : {}),
        ...(options.notice && named ? { notice: (line: string) => options.notice?.(`${plan.endpoint.display}: ${line}`) } : {}),
        ...(options.debug && named ? { debug: (line: string) => options.debug?.(`${plan.endpoint.display}: ${line}`) } : {}),
      });
      return deliveries.map(tag);
    }),
  );
  return perEndpoint.flat();
}

/** The report's view of the endpoints: each with what its receiver did not take. */
export function endpointSummaries(
  plans: readonly EndpointPlan[],
): Array<{ url: string; receiver: string; notTaken: Array<TargetRef & { reason: string }> }> {
  return plans.map((p) => ({
    url: p.endpoint.display,
    receiver: p.receiver.name,
    notTaken: p.notTaken.map(({ target, reason }) => ({ type: target.type, value: target.value, reason })),
  }));
}
