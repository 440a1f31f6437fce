/** Restarts run one at a time, with at most one more queued behind the running one. */

import * as assert from "node:assert/strict";

import { RestartQueue } from "../../src/restartQueue";

const unexpected = (error: unknown): never => assert.fail(String(error));

function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });

  return { wait, open };
}

describe("RestartQueue", () => {
  it("runs a single request once", async () => {
    let runs = 0;
    const queue = new RestartQueue(async () => {
      runs += 1;
    }, unexpected);

    await queue.request();

    assert.equal(runs, 1);
  });

  it("collapses requests made during a restart into one more restart", async () => {
    const first = gate();
    let runs = 0;
    const queue = new RestartQueue(async () => {
      runs += 1;
      if (runs === 1) {
        await first.wait;
      }
    }, unexpected);

    const done = queue.request();
    const later = [queue.request(), queue.request(), queue.request()];
    first.open();
    await Promise.all([done, ...later]);

    assert.equal(runs, 2);
  });

  it("reports a failed restart and keeps serving requests", async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const queue = new RestartQueue(
      async () => {
        runs += 1;
        if (runs === 1) {
          throw new Error("python3: not found");
        }
      },
      (error) => errors.push(error),
    );

    await queue.request();
    await queue.request();

    assert.equal(runs, 2);
    assert.deepEqual(
      errors.map((error) => (error as Error).message),
      ["python3: not found"],
    );
  });
});
