// The deployment files that cannot run here (no Docker engine) are checked as far as possible:
// the Dockerfile builds with exactly the commands CI runs for real (scripts/ci-production.sh),
// its runtime image is non-root with a health check, compose validates with Debian's
// docker-compose and gives each service only its own secrets, secrets stay out of git and of the
// image, and the systemd units pass systemd-analyze. The runner fleet's pieces (compose's runner
// service, the mm-runner@ template unit) are checked the same way.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, closeSync, constants, copyFileSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT } from '../../test-support/process.ts';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const inCi = process.env.CI !== undefined && process.env.CI !== '';

function findTool(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin']) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Skip reason when a tool is missing outside CI; under CI a missing tool is a failure. */
function needTool(tool: string | undefined, name: string, hint: string): string | undefined {
  if (tool !== undefined) return undefined;
  const reason = `${name} not installed (${hint})`;
  if (inCi) throw new Error(`CI is set, so this check must run: ${reason}`);
  return reason;
}

function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(200);
    return buf.toString('latin1', 0, readSync(fd, buf, 0, 200, 0)).split('\n', 1)[0] ?? '';
  } finally {
    closeSync(fd);
  }
}

/** Dockerfile instructions with continuation lines joined. */
function instructions(dockerfile: string): { op: string; args: string }[] {
  const joined = dockerfile.replace(/\\\n\s*/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

function stages(dockerfile: string): Map<string, { op: string; args: string }[]> {
  const out = new Map<string, { op: string; args: string }[]>();
  let current: { op: string; args: string }[] | undefined;
  for (const ins of instructions(dockerfile)) {
    if (ins.op === 'FROM') {
      const name = /\bAS\s+(\S+)/i.exec(ins.args)?.[1] ?? String(out.size);
      current = [];
      out.set(name, current);
    }
    current?.push(ins);
  }
  return out;
}

describe('infra/docker', () => {
  const dockerfile = read('infra/docker/Dockerfile');
  const build = stages(dockerfile).get('build') ?? [];
  const runtime = stages(dockerfile).get('runtime') ?? [];

  test('the Dockerfile builds with exactly the commands CI runs (scripts/ci-production.sh build steps)', () => {
    const dockerRuns = build.filter((i) => i.op === 'RUN').map((i) => i.args);
    const script = read('scripts/ci-production.sh');
    const block = /# BEGIN BUILD STEPS\n([\s\S]*?)# END BUILD STEPS/.exec(script)?.[1];
    assert.ok(block !== undefined, 'ci-production.sh marks its build steps');
    const ciSteps = block.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    assert.deepEqual(dockerRuns, ciSteps);
    assert.ok(dockerRuns.includes('npm run build') && dockerRuns.some((r) => r.startsWith('npm ci --omit=dev')));
    // "$STAGE" means the same folder's role in both: the Dockerfile sets it, the runtime copies it
    assert.ok(build.some((i) => i.op === 'ENV' && /^STAGE=\/app$/.test(i.args)));
    assert.ok(runtime.some((i) => i.op === 'COPY' && i.args === '--from=build /app /app'));
    // and CI runs that script
    assert.match(read('scripts/ci-production.sh'), /node scripts\/ci-production-run\.mjs/);
  });

  test('the runtime image: slim, non-root, production mode, health check on /api/health, the bundle as its command', () => {
    assert.match(runtime[0]!.args, /^node:20-bookworm-slim AS runtime$/);
    const user = runtime.filter((i) => i.op === 'USER').at(-1);
    assert.ok(user !== undefined && user.args !== 'root' && user.args !== '0', 'runs as a non-root user');
    const health = runtime.find((i) => i.op === 'HEALTHCHECK');
    assert.ok(health !== undefined && health.args.includes('/api/health'));
    assert.match(runtime.find((i) => i.op === 'ENV')!.args, /NODE_ENV=production/);
    assert.match(runtime.find((i) => i.op === 'CMD')!.args, /"dist\/server\/main\.js"\]$/);
    assert.ok(!runtime.some((i) => i.op === 'RUN' && /npm|tsx/.test(i.args)), 'nothing is installed or built in the runtime stage');
  });

  test('secrets stay out of the image and of git', () => {
    const ignore = read('infra/docker/Dockerfile.dockerignore').split('\n');
    for (const pattern of ['**/.env', '**/.env.*', '!**/.env.example', '**/node_modules', '**/master.key']) assert.ok(ignore.includes(pattern), `${pattern} in Dockerfile.dockerignore`);
    const git = spawnSync('git', ['check-ignore', '--no-index', 'infra/docker/.env', '.env', 'dist/server/main.js'], { cwd: ROOT, encoding: 'utf8' });
    if (git.error === undefined) assert.deepEqual(git.stdout.trim().split('\n'), ['infra/docker/.env', '.env', 'dist/server/main.js']);
    for (const example of ['infra/docker/.env.example', '.env.example']) {
      const assigned = read(example)
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l) && /(PASSWORD|SECRET|TOKEN)=/.test(l));
      for (const line of assigned) assert.match(line, /=$/, `${example} ships no secret value: ${line}`);
    }
  });

  const compose = findTool('docker-compose');
  // Debian's docker-compose is a Python program that imports yaml: its own interpreter reads YAML
  const shebang = compose === undefined ? undefined : /^#!\s*(\S+python3?)\s*$/m.exec(firstLine(compose))?.[1];
  const python = shebang ?? findTool('python3');
  const composeSkip = needTool(compose, 'docker-compose', 'apt-get install -y --no-install-recommends docker-compose') ?? needTool(python, 'python3', 'apt-get install -y python3-yaml');

  test('compose.yaml validates with docker-compose; each service gets only its own secrets', { skip: composeSkip }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-compose-'));
    try {
      // the example as shipped is refused: every secret must be filled in first
      const refused = spawnSync(compose!, ['-f', join(ROOT, 'infra/docker/compose.yaml'), '--env-file', join(ROOT, 'infra/docker/.env.example'), 'config', '-q'], { encoding: 'utf8' });
      assert.notEqual(refused.status, 0);
      assert.match(refused.stderr, /set [A-Z_]+ in infra\/docker\/\.env/);

      const values: Record<string, string> = {
        MM_DOMAIN: 'mm.example.com',
        POSTGRES_PASSWORD: 'pgsuper0000',
        MM_DB_MIGRATOR_PASSWORD: 'migrator1111',
        MM_DB_APP_PASSWORD: 'approle2222',
        APP_SECRET: 'appsecret333333333333',
        ADMIN_PASSWORD: 'adminpw44444',
        MM_TLS_CERT: '/etc/letsencrypt/live/mm.example.com/fullchain.pem',
        MM_TLS_KEY: '/etc/letsencrypt/live/mm.example.com/privkey.pem',
        RUNNER_TOKEN: 'runnertoken5555555',
      };
      const env = read('infra/docker/.env.example').replace(/^([A-Z_]+)=$/gm, (line, name: string) => (values[name] === undefined ? line : `${name}=${values[name]}`));
      writeFileSync(join(dir, '.env'), env);
      const config = spawnSync(compose!, ['-f', join(ROOT, 'infra/docker/compose.yaml'), '--env-file', join(dir, '.env'), 'config'], { encoding: 'utf8' });
      assert.equal(config.status, 0, config.stderr);
      const json = spawnSync(python!, ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], { input: config.stdout, encoding: 'utf8' });
      assert.equal(json.status, 0, json.stderr);
      interface Service {
        image?: string;
        build?: { context: string; dockerfile: string };
        environment?: Record<string, string>;
        ports?: unknown[];
        volumes?: string[];
        depends_on?: Record<string, { condition: string }>;
        stop_grace_period?: string;
        command?: string[];
        restart?: string;
        healthcheck?: { test?: string[]; disable?: boolean };
        networks?: Record<string, unknown>;
      }
      const doc = JSON.parse(json.stdout) as { services: Record<string, Service>; volumes: Record<string, unknown> };
      const { db, migrate, app, runner, nginx } = doc.services;
      assert.ok(db && migrate && app && runner && nginx, 'db, migrate, app, runner and nginx');

      assert.match(db.image ?? '', /^postgres:/);
      assert.ok(db.volumes?.some((v) => v.startsWith('pgdata:/var/lib/postgresql/data')) && 'pgdata' in doc.volumes, 'PostgreSQL data on a named volume');
      assert.equal(db.ports, undefined, 'the database is not published');

      for (const s of [migrate, app, runner]) {
        assert.deepEqual(s.build, { context: ROOT.replace(/\/$/, ''), dockerfile: 'infra/docker/Dockerfile' });
      }
      assert.deepEqual(migrate.command, ['node', '--enable-source-maps', 'dist/server/migrate.js']);
      assert.equal(migrate.environment?.DATABASE_MIGRATION_URL, `postgres://mm_migrator:${values.MM_DB_MIGRATOR_PASSWORD}@db:5432/mm`);
      assert.deepEqual(migrate.depends_on, { db: { condition: 'service_healthy' } });

      assert.equal(app.ports, undefined, 'the app is reachable only through nginx');
      assert.equal(app.environment?.DATABASE_URL, `postgres://mm_app:${values.MM_DB_APP_PASSWORD}@db:5432/mm`);
      assert.equal(app.environment?.MIGRATE_ON_START, 'false');
      assert.equal(app.environment?.TRUST_PROXY, 'true');
      assert.equal(app.environment?.CORS_ORIGINS, 'https://mm.example.com');
      assert.deepEqual(app.depends_on, { migrate: { condition: 'service_completed_successfully' } });
      assert.match(app.stop_grace_period ?? '', /^[3-9]\ds$/, 'time for bots to cancel their orders');
      assert.equal(app.environment?.RUNNERS, 'external', 'the app trades nothing: the runners run the bots');
      assert.equal(app.environment?.RUNNER_TOKEN, values.RUNNER_TOKEN);

      // the runners: the same image, the runner bundle, scalable (no port, no fixed name), drained on stop
      assert.equal(runner.image, app.image);
      assert.deepEqual(runner.command, ['node', '--enable-source-maps', 'dist/runner/main.js']);
      assert.equal(runner.ports, undefined, 'a runner publishes nothing, so --scale runner=N cannot collide');
      assert.equal(runner.restart, 'unless-stopped');
      assert.equal(runner.stop_grace_period, '15s', 'SIGTERM drains within the lease TTL (10 s) before SIGKILL');
      assert.deepEqual(runner.depends_on, { db: { condition: 'service_healthy' }, migrate: { condition: 'service_completed_successfully' } });
      assert.equal(runner.environment?.DATABASE_URL, app.environment?.DATABASE_URL, 'the same database, with the app role');
      assert.equal(runner.environment?.APP_SECRET, values.APP_SECRET, "the app's secret: it decrypts venue credentials");
      assert.equal(runner.environment?.RUNNER_TOKEN, values.RUNNER_TOKEN, 'the same token as the app');
      assert.equal(runner.environment?.PAPER_VENUE_URL, 'ws://app:8080/api/venue');
      assert.equal(runner.environment?.RUNNER_NAME, undefined, 'unset: each replica names itself (hostname-pid)');
      // the image's health check asks the API on :8080, which a runner does not serve
      assert.ok(runner.healthcheck?.disable === true || runner.healthcheck?.test?.[0] === 'NONE', 'the API health check is off for runners');
      assert.deepEqual(Object.keys(runner.networks ?? {}), ['backend'], 'not on the frontend network');

      // least privilege in secrets: nobody gets a secret it does not use
      const text = (s: Service) => JSON.stringify(s.environment ?? {});
      assert.ok(!text(app).includes(values.MM_DB_MIGRATOR_PASSWORD!) && !text(app).includes(values.POSTGRES_PASSWORD!), 'the app has neither the migrator nor the superuser password');
      assert.ok(!text(migrate).includes(values.APP_SECRET!) && !text(migrate).includes(values.MM_DB_APP_PASSWORD!));
      assert.ok(![values.MM_DB_MIGRATOR_PASSWORD, values.POSTGRES_PASSWORD, values.ADMIN_PASSWORD].some((v) => text(runner).includes(v!)), 'a runner has neither the migrator, the superuser nor the admin password');
      assert.ok(![values.APP_SECRET, values.ADMIN_PASSWORD, values.MM_DB_APP_PASSWORD, values.MM_DB_MIGRATOR_PASSWORD, values.POSTGRES_PASSWORD, values.RUNNER_TOKEN].some((v) => text(nginx).includes(v!)), 'nginx holds no secret');

      assert.equal(nginx.environment?.NGINX_ENVSUBST_FILTER, '^MM_');
      assert.equal(nginx.environment?.MM_UPSTREAM, 'app:8080');
      assert.ok(nginx.volumes?.some((v) => v.includes('infra/nginx/mm-engine.conf.template:/etc/nginx/templates/mm-engine.conf.template:ro')));
      // docker-compose 1.x and the compose plugin normalise ports differently
      const ports = (nginx.ports as { published: string | number; target: string | number }[]).map((p) => `${Number(p.published)}:${Number(p.target)}`);
      assert.deepEqual(ports, ['80:80', '443:443']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('infra/systemd', () => {
  const analyze = findTool('systemd-analyze');
  test('the units pass systemd-analyze verify', { skip: analyze === undefined ? 'systemd-analyze not installed' : undefined }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-systemd-'));
    try {
      for (const unit of ['mm-engine.service', 'mm-engine-migrate.service', 'mm-runner@.service']) copyFileSync(join(ROOT, 'infra/systemd', unit), join(dir, unit));
      // a template is verified through an instance (systemd loads mm-runner@.service for it)
      const res = spawnSync(analyze!, ['verify', '--man=no', join(dir, 'mm-engine.service'), join(dir, 'mm-engine-migrate.service'), join(dir, 'mm-runner@a.service')], { encoding: 'utf8' });
      // a machine without /usr/bin/node (nvm, say) cannot resolve ExecStart; everything else must be clean
      const complaints = res.stderr.split('\n').filter((l) => l.trim() !== '' && !/\/usr\/bin\/node/.test(l));
      assert.deepEqual(complaints, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the app unit stops gracefully and restarts on failure; migrations run with their own secret', () => {
    const unit = read('infra/systemd/mm-engine.service');
    for (const line of ['Restart=on-failure', 'KillSignal=SIGTERM', 'KillMode=mixed', 'User=mm-engine', 'Requires=mm-engine-migrate.service', 'After=mm-engine-migrate.service', 'EnvironmentFile=/etc/mm-engine/mm-engine.env']) {
      assert.ok(unit.split('\n').includes(line), line);
    }
    const stopSec = Number(/^TimeoutStopSec=(\d+)s$/m.exec(unit)?.[1]);
    assert.ok(stopSec >= 10 + 15 + 5, 'TimeoutStopSec above STOP_DEADLINE_MS (10 s) + the 15 s shutdown margin of main.ts');
    assert.match(unit, /^ExecStart=\/usr\/bin\/node --enable-source-maps dist\/server\/main\.js$/m, 'node itself, so SIGTERM reaches the server');
    const migrate = read('infra/systemd/mm-engine-migrate.service');
    assert.match(migrate, /^EnvironmentFile=\/etc\/mm-engine\/migrate\.env$/m);
    assert.ok(!unit.includes('migrate.env'), 'the app never reads the migration secret');
    assert.match(read('infra/systemd/mm-engine.env.example'), /^MIGRATE_ON_START=false$/m);
  });

  test('the runner template: named by its instance, drained within the lease TTL, hardened like the server', () => {
    const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    const unit = lines(read('infra/systemd/mm-runner@.service'));
    for (const line of ['Environment=RUNNER_NAME=%i', 'KillSignal=SIGTERM', 'KillMode=mixed', 'TimeoutStopSec=15s', 'Restart=on-failure', 'User=mm-engine', 'EnvironmentFile=/etc/mm-engine/runner.env', 'ExecStart=/usr/bin/node --enable-source-maps dist/runner/main.js']) {
      assert.ok(unit.includes(line), line);
    }
    // every hardening line of the server's [Service] section (a runner needs no state directory)
    const server = lines(read('infra/systemd/mm-engine.service'));
    const hardening = server.slice(server.indexOf('UMask=0077'), server.indexOf('[Install]'));
    assert.ok(hardening.length >= 15 && hardening.includes('ProtectSystem=strict'), 'found the server unit\'s hardening block');
    for (const line of hardening) assert.ok(unit.includes(line), `runner unit lacks ${line}`);
    assert.ok(!unit.some((l) => l.startsWith('Requires=')), 'a runner-only machine has no server or migration unit to require');
    const env = read('infra/systemd/mm-runner.env.example');
    for (const name of ['DATABASE_URL', 'APP_SECRET', 'PAPER_VENUE_URL', 'RUNNER_TOKEN']) assert.match(env, new RegExp(`^${name}=`, 'm'), `${name} in mm-runner.env.example`);
    assert.doesNotMatch(env, /^RUNNER_NAME=/m, 'the file would override the instance name');
    assert.doesNotMatch(env, /^(ADMIN_PASSWORD|DATABASE_MIGRATION_URL)=/m, 'a runner holds no admin or migration secret');
  });
});
