/**
 * Gathers the requests made in one turn of the event loop (a cycle's
 * entities ask for their files all at once) into groups, so each group is
 * answered by one call instead of one call per request. A group is flushed
 * after the current turn, or as soon as it holds `maxBatch` requests.
 */
export class MicroBatcher<Group, Request, Result> {
  private readonly pending = new Map<
    Group,
    Array<{
      request: Request;
      resolve: (result: Result) => void;
      reject: (error: unknown) => void;
    }>
  >();

  constructor(
    private readonly maxBatch: number,
    /** Answers a batch: one result or Error per request, in order. */
    private readonly run: (
      group: Group,
      requests: Request[],
    ) => Promise<Array<Result | Error>>,
  ) {}

  load(group: Group, request: Request): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      let batch = this.pending.get(group);
      if (!batch) {
        batch = [];
        this.pending.set(group, batch);
        setImmediate(() => this.flush(group, batch!));
      }
      batch.push({ request, resolve, reject });
      if (batch.length >= this.maxBatch) this.flush(group, batch);
    });
  }

  private flush(
    group: Group,
    batch: NonNullable<ReturnType<typeof this.pending.get>>,
  ) {
    if (this.pending.get(group) !== batch) return;
    this.pending.delete(group);
    this.run(
      group,
      batch.map(b => b.request),
    ).then(
      results =>
        batch.forEach((b, i) => {
          const result = results[i];
          if (result instanceof Error) b.reject(result);
          else b.resolve(result);
        }),
      error => batch.forEach(b => b.reject(error)),
    );
  }
}
