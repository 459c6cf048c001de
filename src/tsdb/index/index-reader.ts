/**
 * What matcher resolution needs from an inverted index, whichever keeps it: the head's in-memory postings and a block's
 * index file both answer it, so `postingsForMatchers` runs unchanged on either. Series ids are dense integers assigned
 * in an order the implementation documents (a block: label order; the head: creation order); lists are ascending and
 * read-only.
 */
export interface IndexReader {
  /** Every label name present, sorted. */
  labelNames(): readonly string[];
  /** Every value of `name` present, sorted; empty when the name is absent. */
  labelValues(name: string): readonly string[];
  /** The ids of the series carrying `name="value"`, ascending; empty when none. */
  postings(name: string, value: string): Uint32Array;
  /** The ids of every series, ascending. */
  allPostings(): Uint32Array;
}
