/*
 * Sends HTTP load for the API benchmark from its own process, so the server
 * under test does not share its event loop with the clients.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { LoadPlan, LoadReply, LoadResult } from './loadProtocol';

function get(
  agent: Agent,
  plan: LoadPlan,
  path: string,
): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(
      `${plan.origin}${path}`,
      { agent, headers: plan.headers },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('end', () =>
          done({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end();
  });
}

/** `count` requests from `concurrency` clients; `onAnswer` sees each one. */
async function send(
  agent: Agent,
  plan: LoadPlan,
  count: number,
  onAnswer: (
    path: string,
    status: number,
    body: string,
    latencyMs: number,
  ) => void,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: plan.concurrency }, async () => {
      while (next < count) {
        const path = plan.paths[next++ % plan.paths.length];
        const start = performance.now();
        const { status, body } = await get(agent, plan, path);
        onAnswer(path, status, body, performance.now() - start);
      }
    }),
  );
}

async function run(plan: LoadPlan): Promise<LoadResult> {
  if (!plan.origin.startsWith('http://127.0.0.1:')) {
    throw new Error(
      `the load generator only talks to 127.0.0.1, not ${plan.origin}`,
    );
  }
  const agent = new Agent({ keepAlive: true, maxSockets: plan.concurrency });
  try {
    // Opens every connection and warms both sides up; not measured.
    await send(agent, plan, plan.warmUp, () => {});
    const latenciesMs: number[] = [];
    const statuses: Record<string, number> = {};
    let firstFailure: string | undefined;
    const started = performance.now();
    await send(agent, plan, plan.total, (path, status, body, latencyMs) => {
      latenciesMs.push(latencyMs);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status !== 200 && !firstFailure) {
        firstFailure = `${status} for ${path}: ${body.slice(0, 300)}`;
      }
    });
    return {
      latenciesMs,
      statuses,
      elapsedMs: performance.now() - started,
      firstFailure,
    };
  } finally {
    agent.destroy();
  }
}

/** Lets go of the channel only once the reply is on its way. */
function reply(message: LoadReply) {
  process.send!(message, () => process.disconnect?.());
}

process.once('message', (plan: LoadPlan & { type: 'run' }) => {
  run(plan)
    .then(result => reply({ type: 'done', result }))
    .catch(error =>
      reply({ type: 'error', message: String(error?.stack ?? error) }),
    );
});
