#!/usr/bin/env node
// The check-dist workflow's self-test receiver: the contract receiver from examples/ on
// 127.0.0.1:$RECEIVER_PORT, checking $SELF_TEST_SECRET, writing every request it gets to the
// JSON file named by the first argument (an empty list as soon as it listens, so the workflow
// can wait for it). Runs until killed.
import { writeFileSync } from 'node:fs';
import { startReceiver } from '../examples/receiver.mjs';

const [file] = process.argv.slice(2);
const secret = process.env.SELF_TEST_SECRET;
if (!file || !secret) {
  console.error('usage: SELF_TEST_SECRET=... RECEIVER_PORT=8787 node scripts/self-test-receiver.mjs <requests.json>');
  process.exit(1);
}
const receiver = await startReceiver({ secret, port: Number(process.env.RECEIVER_PORT ?? 8787) });
const save = () =>
  writeFileSync(
    file,
    `${JSON.stringify(
      receiver.requests.map((r) => ({ body: r.body, secretOk: r.headers['x-revalidation-secret'] === secret })),
      null,
      2,
    )}\n`,
  );
save();
// The receiver records each request before answering it: saving on each record means the file
// is complete by the time the action has its answers.
const record = receiver.requests.push.bind(receiver.requests);
receiver.requests.push = (...items) => {
  const n = record(...items);
  save();
  return n;
};
process.on('SIGTERM', () => {
  save();
  process.exit(0);
});
// The listening server keeps the process alive for the rest of the job.
console.log(`receiver listening at ${receiver.url}`);
