// The error a refused description raises, apart from the validator (src/spec/validate.ts) so
// the engine can raise it without loading the schema.
export interface SpecIssue {
  /** e.g. "populations[0].parameters.a" ('' for the description itself). */
  path: string;
  message: string;
}

export class NetworkSpecError extends Error {
  constructor(readonly issues: readonly SpecIssue[]) {
    super(`invalid network description:\n${issues.map((i) => `  ${i.path || '(description)'}: ${i.message}`).join('\n')}`);
    this.name = 'NetworkSpecError';
  }
}
