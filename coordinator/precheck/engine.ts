// Evaluates every rule against one context: host rules once per inventory host, cluster rules once.
// A rule never crashes the run — a thrown error is that rule's failure — and a missing fact is a
// failure that says so, never a pass.
import { errorMessage } from '../../shared/errors';
import type { InventoryHost } from '../model/cluster';
import { UnknownFactError } from './facts-access';
import type { Report, Result, Summary } from './report';
import type { ClusterRule, HostRule, Outcome, Rule, RuleContext } from './rule';
import { rules as allRules } from './rules/index';
import { beginRun } from './run-memo';
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

export function evaluate(given: RuleContext, options: EvaluateOptions = {}, ruleList: readonly Rule[] = allRules): Report {
  const ctx = beginRun(given);
  const sel: Selected = {
    skip: resolveSelectors(options.skip ?? [], ruleList, '--skip', false),
    ignore: resolveSelectors(options.ignoreErrors ?? [], ruleList, '--ignore-errors', true),
  };
  // Host rules run host by host (one host's facts stay in cache across its rules; rules are pure,
  // so the order they run in changes nothing), and results are reported rule by rule as before.
  const hosts = ctx.model.hosts;
  const byRule: Result[][] = ruleList.map(() => []);
  const hostRules = ruleList.map((rule, i) => ({ rule, i, skipped: sel.skip.has(rule.id) })).filter((r) => r.rule.scope === 'host');
  for (const host of hosts) {
    for (const { rule, i, skipped } of hostRules) {
      byRule[i]!.push(skipped ? skipResult(rule, host.name) : graded(rule, sel, host.name, runHost(rule as HostRule, host, ctx)));
    }
  }
  ruleList.forEach((rule, i) => {
    if (rule.scope === 'cluster') byRule[i]!.push(sel.skip.has(rule.id) ? skipResult(rule, null) : graded(rule, sel, null, runCluster(rule, ctx)));
  });
  const results = byRule.flat();
  return { summary: summarize(results), results };
}

function ruleApplies(applies: true | string): Outcome | null {
  return applies === true ? null : { status: 'skip', message: `not applicable: ${applies}` };
}

// A rule never crashes the run: what it throws becomes its outcome, a failure of severity error
// whatever the rule's own (nothing was checked).
function runHost(rule: HostRule, host: InventoryHost, ctx: RuleContext): Outcome {
  try {
    return ruleApplies(rule.appliesTo(host, ctx)) ?? rule.check(host, ctx);
  } catch (err) {
    return thrown(rule, err);
  }
}

function runCluster(rule: ClusterRule, ctx: RuleContext): Outcome {
  try {
    return ruleApplies(rule.appliesTo(ctx)) ?? rule.check(ctx);
  } catch (err) {
    return thrown(rule, err);
  }
}

function thrown(rule: Rule, err: unknown): Outcome {
  if (err instanceof UnknownFactError) return { status: 'fail', message: `unknown: ${err.message}`, severity: 'error' };
  if (err instanceof ConfigValueError) return { status: 'fail', message: `invalid config: ${err.message}`, severity: 'error' };
  return { status: 'fail', message: `rule ${rule.id} could not run: ${errorMessage(err)}`, severity: 'error' };
}

function skipResult(rule: Rule, host: string | null): Result {
  return { id: rule.id, host, status: 'skip', severity: rule.severity, message: 'skipped by --skip' };
}

/** The result of an outcome: a failure carries its own severity, else the rule's. */
function graded(rule: Rule, sel: Selected, host: string | null, outcome: Outcome): Result {
  if (outcome.status !== 'fail') return { id: rule.id, host, status: outcome.status, severity: rule.severity, message: outcome.message };
  const severity = outcome.severity ?? rule.severity;
  if (severity === 'warning') return { id: rule.id, host, status: 'warn', severity, message: outcome.message };
  if (sel.ignore.has(rule.id)) {
    return { id: rule.id, host, status: 'warn', severity, message: `${outcome.message} (error ignored by --ignore-errors)` };
  }
  return { id: rule.id, host, status: 'fail', severity, message: outcome.message };
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
