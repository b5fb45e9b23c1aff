/**
 * Why a plan cannot be made at all, in one line that says what to do.
 * `exitCode` 2 marks a bad invocation (arguments), 1 anything else.
 */
export class PlanError extends Error {
  readonly exitCode: 1 | 2;

  constructor(message: string, exitCode: 1 | 2 = 1) {
    super(message);
    this.name = 'PlanError';
    this.exitCode = exitCode;
  }
}
