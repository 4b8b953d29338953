import type { Decision } from './decide.js';

/**
 * Renders the internal note an agent sees on the ticket: what changed, the tier and score with
 * their explanation, which rules matched and what the guardrails did. Plain text, because
 * helpdesks render internal notes differently.
 *
 * @example renderNote(decide({ ticket, profile, policy, now }))
 */
export function renderNote(decision: Decision, context: { surveyComment?: string } = {}): string {
  const lines: string[] = [];
  if (decision.priority && decision.uplift > 0) {
    const from = decision.helpdeskPriority ?? 'unset (treated as the default)';
    lines.push(`Influence Router: priority raised from ${from} to ${decision.priority} (+${decision.uplift}).`);
  } else {
    lines.push('Influence Router: priority unchanged.');
  }

  if (decision.score) {
    const stale = decision.score.freshness === 'stale' ? ` ${staleText(decision.refreshQueued)}` : '';
    lines.push(`Tier: ${decision.tier} (score ${decision.score.value}). ${decision.score.explanation}${stale}`);
  } else {
    lines.push('Tier: none (baseline service).');
  }

  if (decision.nps) {
    lines.push(`Recent NPS: ${decision.nps.category} (${decision.nps.score}/10 on ${decision.nps.answeredAt.slice(0, 10)}).`);
  }
  if (context.surveyComment !== undefined) lines.push(`Customer's comment: "${plainText(context.surveyComment)}"`);

  if (decision.matchedRules.length > 0) {
    lines.push('Why:');
    for (const rule of decision.matchedRules) lines.push(`- ${rule.id}: ${rule.reason}`);
  }

  if (decision.guardrails.length > 0) {
    lines.push('Guardrails:');
    for (const guardrail of decision.guardrails) lines.push(`- ${guardrail.message}`);
  }

  const actions: string[] = [];
  if (decision.tags.length > 0) actions.push(`Tags added: ${decision.tags.join(', ')}.`);
  if (decision.groupId) actions.push(`Routing hint: group ${decision.groupId}.`);
  if (actions.length > 0) lines.push(actions.join(' '));

  lines.push(`Policy ${decision.policyVersion}. Influence only ever raises priority, by at most the policy's cap; customers can opt out.`);
  return lines.join('\n');
}

/** The most of a customer's comment a note quotes. */
const MAX_QUOTED_COMMENT = 1000;

/**
 * A customer's comment as plain text on one line: control characters and line breaks become
 * spaces, markup characters are kept as typed (every helpdesk shows the note as text or escapes
 * it), and a long comment is cut with an ellipsis.
 */
function plainText(comment: string): string {
  const flat = [...comment]
    .map((char) => (isControl(char) ? ' ' : char))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > MAX_QUOTED_COMMENT ? `${flat.slice(0, MAX_QUOTED_COMMENT - 1)}…` : flat;
}

/** C0 and C1 control characters and the Unicode line and paragraph separators. */
function isControl(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

function staleText(queued: boolean | undefined): string {
  if (queued === true) return 'The score is due for refresh; a refresh is queued.';
  if (queued === false) return 'The score is due for refresh; this tenant updates scores by import, so it is used until it expires.';
  return 'The score is due for refresh.';
}
