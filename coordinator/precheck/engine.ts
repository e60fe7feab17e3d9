// Evaluates every rule against one context: host rules once per inventory host, cluster rules once.
// A rule never crashes the run — a thrown error is that rule's failure — and a missing fact is a
// failure that says so, never a pass.
import { errorMessage } from '../../shared/errors';
import type { InventoryHost } from '../model/cluster';
import { UnknownFactError } from './facts-access';
import type { Report, Result, Summary } from './report';
import type { Outcome, Rule, RuleContext, Severity } from './rule';
import { rules as allRules } from './rules/index';
import { resolveSelectors } from './selectors';
import { ConfigValueError } from './vars';

export interface EvaluateOptions {
  /** Rule ids or tags not evaluated (status skip). */
  skip?: readonly string[];
  /** Rule ids, tags or `all` whose errors are reported as warnings. */
  ignoreErrors?: readonly string[];
}

interface Selected {
  skip: Set<string>;
  ignore: Set<string>;
}

export function evaluate(ctx: RuleContext, options: EvaluateOptions = {}, ruleList: readonly Rule[] = allRules): Report {
  const sel: Selected = {
    skip: resolveSelectors(options.skip ?? [], ruleList, '--skip', false),
    ignore: resolveSelectors(options.ignoreErrors ?? [], ruleList, '--ignore-errors', true),
  };
  const results: Result[] = [];
  for (const rule of ruleList) {
    if (rule.scope === 'host') {
      for (const host of ctx.model.hosts) results.push(runOne(rule, sel, host.name, () => runHost(rule, host, ctx)));
    } else {
      results.push(runOne(rule, sel, null, () => (ruleApplies(rule.appliesTo(ctx)) ?? rule.check(ctx))));
    }
  }
  return { summary: summarize(results), results };
}

function ruleApplies(applies: true | string): Outcome | null {
  return applies === true ? null : { status: 'skip', message: `not applicable: ${applies}` };
}

function runHost(rule: Extract<Rule, { scope: 'host' }>, host: InventoryHost, ctx: RuleContext): Outcome {
  return ruleApplies(rule.appliesTo(host, ctx)) ?? rule.check(host, ctx);
}

/** An outcome plus the severity it carries when it is a failure. */
type Graded = { outcome: Outcome; severity: Severity };

function runOne(rule: Rule, sel: Selected, host: string | null, run: () => Outcome): Result {
  if (sel.skip.has(rule.id)) return { id: rule.id, host, status: 'skip', severity: rule.severity, message: 'skipped by --skip' };
  const { outcome, severity } = safely(rule, run);
  if (outcome.status !== 'fail') return { id: rule.id, host, status: outcome.status, severity, message: outcome.message };
  if (severity === 'warning') return { id: rule.id, host, status: 'warn', severity, message: outcome.message };
  if (sel.ignore.has(rule.id)) {
    return { id: rule.id, host, status: 'warn', severity, message: `${outcome.message} (error ignored by --ignore-errors)` };
  }
  return { id: rule.id, host, status: 'fail', severity, message: outcome.message };
}

function safely(rule: Rule, run: () => Outcome): Graded {
  try {
    const outcome = run();
    const severity = outcome.status === 'fail' ? outcome.severity ?? rule.severity : rule.severity;
    return { outcome, severity };
  } catch (err) {
    // Unknown facts and broken rules are errors whatever the rule's own severity: nothing was checked.
    if (err instanceof UnknownFactError) return { outcome: { status: 'fail', message: `unknown: ${err.message}` }, severity: 'error' };
    if (err instanceof ConfigValueError) return { outcome: { status: 'fail', message: `invalid config: ${err.message}` }, severity: 'error' };
    return { outcome: { status: 'fail', message: `rule ${rule.id} could not run: ${errorMessage(err)}` }, severity: 'error' };
  }
}

export function summarize(results: readonly Result[]): Summary {
  const s: Summary = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const r of results) s[r.status]++;
  return s;
}

/** The exit code precheck.md gives a report: 1 when anything failed, else 0. */
export function exitCodeOf(report: Report): 0 | 1 {
  return report.summary.fail > 0 ? 1 : 0;
}
