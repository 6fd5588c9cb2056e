import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Outbox } from './outbox.ts';

/** A sink whose writes and sends take their time, in a random order of durations, and log what they saw. */
function slowSink(state: { value: string }) {
  const log: string[] = [];
  let rounds = 0;
  const pause = () => new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 4)));
  return {
    log,
    rounds: () => rounds,
    sink: {
      async writeStatus() {
        const seen = state.value; // read when its turn comes
        await pause();
        log.push(`status ${seen}`);
      },
      async notify(messages: readonly string[]) {
        rounds++;
        await pause();
        log.push(...messages);
      },
    },
  };
}

test('events go out in the order they were queued, in few rounds, whatever each send takes', async () => {
  const state = { value: 'a' };
  const { log, rounds, sink } = slowSink(state);
  const outbox = new Outbox(sink);
  const sent: string[] = [];
  for (let i = 0; i < 200; i++) {
    sent.push(`e${i}`);
    outbox.send(`e${i}`);
    if (i % 17 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await outbox.idle();
  assert.deepEqual(log, sent);
  assert.ok(rounds() < 40, `200 events in ${rounds()} rounds: queued ones go together`);
});

test('a status write comes before the events queued with it and stores the status as it is when written', async () => {
  const state = { value: 'STARTING' };
  const { log, sink } = slowSink(state);
  const outbox = new Outbox(sink);
  outbox.send('order 1');
  // while order 1 is out: two state changes, each with a status write
  state.value = 'START_QUOTING';
  const first = outbox.writeStatus();
  outbox.send('state START_QUOTING');
  state.value = 'RUNNING';
  const second = outbox.writeStatus();
  outbox.send('state RUNNING');
  await Promise.all([first, second]);
  await outbox.idle();
  // never an older status after a newer one, and each state event after a status that shows it
  assert.deepEqual(log, ['order 1', 'status RUNNING', 'state START_QUOTING', 'state RUNNING']);
});

test('writeStatus resolves only after a write that started after the call', async () => {
  const state = { value: 'v1' };
  const { log, sink } = slowSink(state);
  const outbox = new Outbox(sink);
  const early = outbox.writeStatus(); // its write starts at once and reads v1
  state.value = 'v2';
  const late = outbox.writeStatus();
  await late;
  assert.deepEqual(log, ['status v1', 'status v2'], 'the write in flight (v1) did not answer the later call');
  await early;
});
