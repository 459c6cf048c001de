/**
 * The words Prometheus's lexer makes items of, as its parser's messages name them: the operator words (`<op:and>`)
 * and the aggregation operators (`<aggr:sum>`). Shared by vigil's parser and the `match[]` reader of the query API.
 */
export const OPERATOR_WORDS: ReadonlySet<string> = new Set(['and', 'or', 'unless', 'atan2']);

export const AGGREGATORS: ReadonlySet<string> = new Set([
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'limitk',
  'limit_ratio',
]);
