/**
 * The `max-targets` guard: a rule such as `paths: /[locale]/[...page]` over 12 locales and a
 * bulk edit can turn one push into tens of thousands of requests against a production site.
 * Above the limit a real run sends nothing and fails; a dry run says what a real run would do.
 */
import { ACTION_NAMES, type Names } from '../inputs.js';
import type { MappingResult } from './apply.js';

/** Rules named in the message, most targets first. */
const RULES_SHOWN = 3;

/** The message when `mapped` holds more distinct targets than `max`, or undefined. */
export function targetLimitProblem(
  mapped: Pick<MappingResult, 'targets' | 'perRule'>,
  max: number,
  dryRun: boolean,
  names: Names = ACTION_NAMES,
): string | undefined {
  const total = mapped.targets.length;
  if (total <= max) return undefined;
  const paths = mapped.targets.filter((t) => t.type === 'path').length;
  const n = (x: number) => x.toLocaleString('en-US');
  const top = mapped.perRule.slice(0, RULES_SHOWN).map((r) => `${r.where}: ${n(r.targets)}`);
  const more = mapped.perRule.length > RULES_SHOWN ? `; ${mapped.perRule.length - RULES_SHOWN} more` : '';
  const what = `this run maps to ${n(total)} distinct targets (${n(paths)} path${paths === 1 ? '' : 's'}, ${n(total - paths)} tag${total - paths === 1 ? '' : 's'}), more than the limit of ${n(max)} (${names.input('max-targets')})`;
  const outcome = dryRun ? 'dry run: a real run would send nothing and fail' : 'nothing was sent';
  return (
    `${what}: ${outcome}. Most came from ${top.join('; ')}${more}. ` +
    `If that many is right, raise ${names.input('max-targets')}; otherwise revalidate a cache tag the pages share (\`tags:\` in the rule) instead of one path each.`
  );
}
