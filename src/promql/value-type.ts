/** The four types of a PromQL expression (Prometheus's parser.ValueType). */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';
