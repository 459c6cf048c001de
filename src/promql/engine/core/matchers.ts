import type { LabelMatcher } from '../../ast.js';
import { compileLabelRegex } from '../../regex.js';
import { getLabel, type Labels } from './labels.js';

export type LabelSetPredicate = (labels: Labels) => boolean;

/** One predicate for a selector's matchers (all must match; a missing label matches as the empty string). */
export function compileMatchers(matchers: readonly LabelMatcher[]): LabelSetPredicate {
  const tests = matchers.map((matcher): LabelSetPredicate => {
    const { name, value } = matcher;
    switch (matcher.type) {
      case '=':
        return (labels) => getLabel(labels, name) === value;
      case '!=':
        return (labels) => getLabel(labels, name) !== value;
      case '=~': {
        const regex = compileLabelRegex(value);
        return (labels) => regex.test(getLabel(labels, name));
      }
      case '!~': {
        const regex = compileLabelRegex(value);
        return (labels) => !regex.test(getLabel(labels, name));
      }
    }
  });
  return (labels) => tests.every((test) => test(labels));
}
