/**
 * What a benchmark started (servers, child processes, a database, temp files), stopped in the
 * reverse order of starting, every step even when an earlier one fails. A step added after the
 * teardown began (a start still under way when Ctrl-C came) runs at once, so nothing outlives
 * the benchmark.
 */
export class Teardown {
  private readonly steps: (() => Promise<unknown>)[] = [];
  private started = false;

  add(step: () => Promise<unknown>): void {
    if (this.started) void step().catch(report);
    else this.steps.push(step);
  }

  async run(): Promise<void> {
    this.started = true;
    for (const step of this.steps.splice(0).reverse()) await step().catch(report);
  }
}

function report(err: unknown): void {
  console.error(`teardown: ${err instanceof Error ? err.message : String(err)}`);
}
