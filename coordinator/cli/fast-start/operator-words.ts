// The words the operator bundle serves: the commands that only call a running coordinator (the
// entries of ../command-table.ts not marked FULL_ONLY). boot.ts reads this list without loading
// the table; test/unit/cli/bundles.test.ts keeps the two equal.
export const OPERATOR_WORDS: readonly string[] = ['token', 'nodes', 'facts', 'run', 'runs'];
