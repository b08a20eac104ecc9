import { describe, expect, test } from '@jest/globals';
import { parseHostPort, smokeRunArgs, HARDENED_FLAGS } from '../src/smoke/args.js';
import { pollHealth, type ContainerCondition, type ProbeResult } from '../src/smoke/poll.js';
import { conditionFrom } from '../src/docker/container.js';
import { imageInfoFrom } from '../src/docker/image.js';

/** A clock that only moves when the poller sleeps or a probe takes time. */
function fakeClock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), advance: (ms: number) => void (t += ms) };
}

function poll(
  probes: (t: number) => ProbeResult,
  condition: (t: number) => ContainerCondition = () => ({ state: 'running' }),
  timeoutMs = 10_000,
) {
  const clock = fakeClock();
  return pollHealth({
    probe: async () => probes(clock.now()),
    condition: async () => condition(clock.now()),
    expectedStatus: 200,
    deadline: timeoutMs,
    intervalMs: 200,
    requestTimeoutMs: 2000,
    now: clock.now,
    sleep: clock.sleep,
  }).then((outcome) => ({ outcome, at: clock.now() }));
}

describe('pollHealth', () => {
  test('ready at once: one attempt, no waiting', async () => {
    const { outcome, at } = await poll(() => ({ status: 200 }));
    expect(outcome).toEqual({ ok: true, attempts: 1 });
    expect(at).toBe(0);
  });
  test('ready after 2 s is noticed within one interval', async () => {
    const { outcome, at } = await poll((t) => (t >= 2000 ? { status: 200 } : { error: 'refused the connection' }));
    expect(outcome.ok).toBe(true);
    expect(at).toBeGreaterThanOrEqual(2000);
    expect(at).toBeLessThan(2200);
  });
  test('wrong status until the deadline reports the status it saw', async () => {
    const { outcome, at } = await poll(() => ({ status: 500 }), undefined, 3000);
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'timeout',
      message: 'not healthy before the deadline: the endpoint answered HTTP 500, expected 200',
    });
    expect(at).toBe(3000);
  });
  test('a container that exits stops the poll at once with its code', async () => {
    const { outcome, at } = await poll(
      () => ({ error: 'refused the connection' }),
      (t) => (t >= 400 ? { state: 'exited', exitCode: 3 } : { state: 'running' }),
    );
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'exited',
      exitCode: 3,
      message: 'the container exited with code 3 before it was healthy',
    });
    expect(at).toBe(400);
  });
  test('out of memory is named', async () => {
    const { outcome } = await poll(
      () => ({ error: 'x' }),
      () => ({ state: 'exited', exitCode: 137, oomKilled: true }),
    );
    expect(outcome).toMatchObject({
      message: 'the container exited with code 137 (killed: out of memory) before it was healthy',
    });
  });
  test('Docker calling it unhealthy stops the poll', async () => {
    const { outcome } = await poll(
      () => ({ status: 503 }),
      () => ({ state: 'running', health: 'unhealthy' }),
    );
    expect(outcome).toMatchObject({ ok: false, reason: 'unhealthy' });
  });
});

describe('pollHealth: cadence and the engine', () => {
  const base = { expectedStatus: 200, deadline: 10_000, requestTimeoutMs: 2000 };

  test('a healthy answer ends the poll without waiting for the engine', async () => {
    const clock = fakeClock();
    const outcome = await pollHealth({
      ...base,
      probe: async () => ({ status: 200 }),
      condition: () => new Promise<ContainerCondition>(() => undefined), // docker inspect never answers
      intervalMs: 100,
      now: clock.now,
      sleep: clock.sleep,
    });
    expect(outcome).toEqual({ ok: true, attempts: 1 });
  });

  test('probes start every interval (start to start), the engine is asked only every conditionIntervalMs', async () => {
    const clock = fakeClock();
    const probedAt: number[] = [];
    const askedAt: number[] = [];
    const outcome = await pollHealth({
      ...base,
      probe: async () => {
        probedAt.push(clock.now());
        clock.advance(30); // a request takes 30 ms
        return clock.now() >= 1000 ? { status: 200 } : { error: 'refused the connection' };
      },
      condition: async () => {
        askedAt.push(clock.now());
        return { state: 'running' };
      },
      intervalMs: 100,
      conditionIntervalMs: 500,
      now: clock.now,
      sleep: clock.sleep,
    });
    expect(outcome.ok).toBe(true);
    expect(probedAt.slice(0, 4)).toEqual([0, 100, 200, 300]);
    expect(probedAt.at(-1)).toBe(1000);
    expect(askedAt).toEqual([0, 500, 1000]);
  });

  test("the engine's error surfaces when the probe failed", async () => {
    const clock = fakeClock();
    await expect(
      pollHealth({
        ...base,
        probe: async () => ({ error: 'refused the connection' }),
        condition: async () => {
          throw new Error('Error: No such container: c1');
        },
        intervalMs: 100,
        now: clock.now,
        sleep: clock.sleep,
      }),
    ).rejects.toThrow('No such container');
  });
});

describe('docker run arguments', () => {
  const base = {
    name: 'c1',
    image: 'sha256:abc',
    containerPort: 3001,
    runId: '42',
    target: 'web',
    envFile: '/tmp/run/smoke-env-1',
    hardened: false,
  };
  test('labelled, published on 127.0.0.1 at a port the engine picks, env from a file only', () => {
    expect(smokeRunArgs(base)).toEqual([
      'run',
      '--detach',
      '--name',
      'c1',
      '--label',
      'com.github.multistage-action=42',
      '--label',
      'com.github.multistage-action.target=web',
      '--publish',
      '127.0.0.1::3001',
      '--env-file',
      '/tmp/run/smoke-env-1',
      'sha256:abc',
    ]);
  });
  test('hardened adds the production flags before the image', () => {
    const args = smokeRunArgs({ ...base, hardened: true });
    expect(args.slice(-HARDENED_FLAGS.length - 1, -1)).toEqual(HARDENED_FLAGS);
    expect(HARDENED_FLAGS).toEqual(
      expect.arrayContaining(['--read-only', '--cap-drop', 'ALL', 'no-new-privileges', '--pids-limit', '--memory']),
    );
  });
  test.each([
    ['127.0.0.1:49153\n', 49153],
    ['0.0.0.0:32768\n[::]:32768\n', 32768],
    ['', undefined],
  ])('parseHostPort(%j)', (text, port) => expect(parseHostPort(text)).toBe(port));
});

test('conditionFrom reads docker inspect .State', () => {
  expect(conditionFrom({ Status: 'exited', Running: false, ExitCode: 2 })).toEqual({
    state: 'exited',
    exitCode: 2,
    oomKilled: undefined,
  });
  expect(conditionFrom({ Status: 'running', Running: true, ExitCode: 0, Health: { Status: 'unhealthy' } })).toEqual({
    state: 'running',
    health: 'unhealthy',
  });
  expect(conditionFrom({ Status: 'running', Running: true, ExitCode: 0 })).toEqual({
    state: 'running',
    health: 'none',
  });
});

test('imageInfoFrom: exposed TCP ports ascending, UDP left out', () => {
  expect(
    imageInfoFrom({
      Id: 'sha256:x',
      Size: 5,
      Config: { ExposedPorts: { '8080/tcp': {}, '53/udp': {}, '80/tcp': {} } },
    }),
  ).toEqual({ id: 'sha256:x', size: 5, exposedPorts: [80, 8080] });
  expect(imageInfoFrom({ Id: 'x', Size: 1, Config: { ExposedPorts: null } }).exposedPorts).toEqual([]);
});

describe('the smoke container environment', () => {
  test('goes into an env file of mode 0600, one line per variable, never into argv', async () => {
    const { writeEnvFile } = await import('../src/smoke/phase.js');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-envfile-'));
    expect(writeEnvFile(dir, [])).toBeUndefined();
    const file = writeEnvFile(dir, [
      { key: 'DOCKER_HOST', value: 'tcp://x:1' },
      { key: 'GREETING', value: ' spaced = "quoted" $(id) ' },
    ]) as string;
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toBe('DOCKER_HOST=tcp://x:1\nGREETING= spaced = "quoted" $(id) \n');
    expect(
      smokeRunArgs({
        name: 'c',
        image: 'i',
        containerPort: 1,
        runId: 'r',
        target: 't',
        envFile: file,
        hardened: false,
      }),
    ).not.toContain('tcp://x:1');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
