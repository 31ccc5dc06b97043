#!/usr/bin/env node
// A throw-away Apache Kafka broker for tests and benchmarks, without Docker: the broker's jars come
// from Maven Central (fetched once with Maven into a cache, see pom.xml beside this file), and each
// start gets a fresh data directory, a single KRaft node (broker and controller in one JVM) on free
// ports of 127.0.0.1, removed again on stop.
//   import { startKafka } from './kafka/local-kafka.mjs';
//   const kafka = await startKafka();   // kafka.brokers === '127.0.0.1:<port>'
//   await kafka.restart();              // same port, same data: topics and messages survive
//   await kafka.stop();
//   node deploy/kafka/local-kafka.mjs --check   // smoke test: start, topic, produce, consume, stop
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, log, waitFor } from '../service-utils.mjs';

/** Must match kafka.version in pom.xml. */
export const KAFKA_VERSION = '4.4.0';

const HERE = dirname(fileURLToPath(import.meta.url));
const POM = join(HERE, 'pom.xml');
const STARTED_LINE = 'Kafka Server started'; // logged by KafkaRaftServer once the broker is unfenced and serving
// The CLI tools are short-lived JVMs: C1 only and the serial GC start them noticeably faster on 2 cores.
const TOOL_JVM = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xmx256m', '-Djava.awt.headless=true'];

/** Where the jars live: LEDGERLINE_KAFKA_CACHE, else ~/.cache/ledgerline/kafka-<version>; jars in lib/. */
export function kafkaCacheDir() {
  return process.env.LEDGERLINE_KAFKA_CACHE || join(homedir(), '.cache', 'ledgerline', `kafka-${KAFKA_VERSION}`);
}

function requireTool(command, args, hint) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error?.code === 'ENOENT') throw new Error(`${command} not found on PATH: ${hint}`);
  if (result.error) throw result.error;
  return `${result.stdout}${result.stderr}`;
}

function requireJava() {
  const out = requireTool('java', ['-version'], 'Kafka needs Java 17+ (Debian: apt-get install openjdk-17-jre-headless)');
  // `java -version` prints e.g. 'openjdk version "17.0.15"' or '"1.8.0_392"' (old scheme: major 8).
  const match = out.match(/version "(\d+)(?:\.(\d+))?/);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : NaN;
  if (!(major >= 17)) throw new Error(`Kafka ${KAFKA_VERSION} needs Java 17 or newer; java on PATH says: ${out.split('\n')[0]}`);
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * Returns the lib/ directory holding the broker's jars, fetching them with Maven when missing.
 * The stamp file is written last and names the version and a hash of pom.xml: an interrupted fetch
 * (no stamp) or an edited pom (other hash) is fetched again from scratch.
 */
export function ensureKafkaJars() {
  const cache = kafkaCacheDir();
  const lib = join(cache, 'lib');
  const stampFile = join(cache, 'fetched.stamp');
  const stamp = `kafka ${KAFKA_VERSION} pom-sha256 ${createHash('sha256').update(readFileSync(POM)).digest('hex')}\n`;
  const isFetched = () => existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && existsSync(lib);
  if (isFetched()) {
    log(`Kafka ${KAFKA_VERSION} jars cached in ${lib}`);
    return { lib, fetchMs: 0 };
  }
  requireTool('mvn', ['-v'], `Maven is needed once to fetch the Kafka ${KAFKA_VERSION} jars into ${cache} (Debian: apt-get install maven)`);
  log(`fetching Kafka ${KAFKA_VERSION} jars with Maven into ${lib} (once; cached afterwards)…`);
  const started = Date.now();
  mkdirSync(cache, { recursive: true });
  rmSync(stampFile, { force: true });
  // Fetch into a private directory and move it into place only when complete, so that two processes
  // fetching at once, or a fetch killed half-way, never leave a lib/ with missing jars behind a stamp.
  const partial = join(cache, `lib.partial-${process.pid}`);
  for (const name of readdirSync(cache)) {
    const pid = Number(name.match(/^lib\.partial-(\d+)$/)?.[1]);
    if (pid && (pid === process.pid || !isRunning(pid))) rmSync(join(cache, name), { recursive: true, force: true }); // left by a killed fetch
  }
  const mvn = spawnSync('mvn', [
    '-q', '-B', '-Dstyle.color=never', '-f', POM, 'dependency:copy-dependencies',
    `-DoutputDirectory=${partial}`, '-DincludeScope=runtime', '-Dmdep.useRepositoryLayout=false',
  ], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (mvn.status !== 0) {
    rmSync(partial, { recursive: true, force: true });
    // Shown only on failure (on stderr: stdout belongs to whoever runs us). Maven 3.8 prints colour
    // resets even with -B -q; they are noise in a log file.
    const output = `${mvn.stdout ?? ''}${mvn.stderr ?? ''}`.replaceAll('\x1b[0m', '').trim();
    throw new Error(`Maven could not fetch Kafka ${KAFKA_VERSION} (exit ${mvn.status ?? mvn.signal ?? mvn.error?.message}):\n${output}`);
  }
  if (isFetched()) {
    rmSync(partial, { recursive: true, force: true }); // another process finished first
  } else {
    rmSync(lib, { recursive: true, force: true });
    renameSync(partial, lib);
    writeFileSync(stampFile, stamp);
  }
  const fetchMs = Date.now() - started;
  log(`fetched Kafka ${KAFKA_VERSION} jars in ${(fetchMs / 1000).toFixed(1)} s`);
  return { lib, fetchMs };
}

/** Runs one of Kafka's CLI classes with the cached jars; resolves with its exit code and output. */
export function runKafkaTool(lib, mainClass, args, { input, timeoutMs = 60_000, toolsLog4j } = {}) {
  return new Promise((resolve, reject) => {
    const jvm = [...TOOL_JVM, ...(toolsLog4j ? [`-Dlog4j2.configurationFile=${toolsLog4j}`] : [])];
    const child = spawn('java', [...jvm, '-cp', join(lib, '*'), mainClass, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === 'SIGKILL' ? 'timeout' : signal), stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/** A KRaft cluster id: 16 random bytes, base64url without padding (what `StorageTool random-uuid` prints). */
function randomClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id; // Kafka's own generator avoids these: they read as CLI flags
  }
}

function serverProperties({ port, controllerPort, logDirs, overrides }) {
  const props = {
    // One JVM is both the KRaft controller and the broker; the quorum is this node alone.
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.bootstrap.servers': `127.0.0.1:${controllerPort}`,
    'listeners': `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': logDirs,
    // A single node cannot hold the default 3 replicas of the internal topics: without these,
    // __consumer_offsets is never created and consumer groups wait forever for a coordinator.
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    // Fewer partitions for the internal topics (defaults 50): the first consumer group or
    // transaction creates them, and tests should not wait for 50 logs to be made.
    'offsets.topic.num.partitions': 4,
    'transaction.state.log.num.partitions': 4,
    'share.coordinator.state.topic.num.partitions': 4,
    // Tests want consumers assigned at once, not after the default 3 s grace period.
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': true,
    'num.partitions': 4,
    // Small and light: a 2-core machine, throw-away data, no fsync beyond what Kafka does by default.
    'log.segment.bytes': 16 * 1024 * 1024,
    'log.cleaner.dedupe.buffer.size': 32 * 1024 * 1024, // default 128 MB would take a quarter of the heap
    'num.network.threads': 2,
    'num.io.threads': 4,
    'num.recovery.threads.per.data.dir': 1,
    ...overrides,
  };
  return Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

// log4j2 reads .properties configurations natively (Kafka's own log4j2.yaml would need the YAML module).
const BROKER_LOG4J = `status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = \${sys:kafka.logs.dir}/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.file.ref = file
logger.request.name = kafka.request.logger
logger.request.level = warn
`;
const TOOLS_LOG4J = `status = warn
appender.err.type = Console
appender.err.name = err
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.err.ref = err
`;

function tail(file, lines) {
  if (!existsSync(file)) return `(no ${file})`;
  const size = statSync(file).size;
  const length = Math.min(size, 64 * 1024);
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try { readSync(fd, buffer, 0, length, size - length); } finally { closeSync(fd); }
  return buffer.toString('utf8').split('\n').slice(-lines - 1).join('\n').trimEnd();
}

function sizeOf(file) {
  return existsSync(file) ? statSync(file).size : 0;
}

function readFrom(file, offset) {
  if (!existsSync(file)) return '';
  const size = statSync(file).size;
  if (size <= offset) return '';
  const buffer = Buffer.alloc(size - offset);
  const fd = openSync(file, 'r');
  try { readSync(fd, buffer, 0, buffer.length, offset); } finally { closeSync(fd); }
  return buffer.toString('utf8');
}

/**
 * Starts a single-node Kafka broker (KRaft) on 127.0.0.1.
 * options: startTimeoutMs (default 90 s), heap (default ['-Xms256m', '-Xmx512m']),
 * properties (extra/overriding server.properties entries).
 * Returns { brokers, port, lib, dir, timings, stop(), restart() }.
 */
export async function startKafka(options = {}) {
  const { startTimeoutMs = 90_000, heap = ['-Xms256m', '-Xmx512m'], properties = {} } = options;
  requireJava();
  const { lib, fetchMs } = ensureKafkaJars();

  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-kafka-'));
  const logDirs = join(dir, 'data');
  const configFile = join(dir, 'server.properties');
  const log4jFile = join(dir, 'log4j2.properties');
  const toolsLog4j = join(dir, 'tools-log4j2.properties');
  const serverLog = join(dir, 'server.log'); // written by log4j (see BROKER_LOG4J)
  const consoleLog = join(dir, 'console.log'); // the JVM's own stdout/stderr: crashes before log4j is up
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  writeFileSync(configFile, serverProperties({ port, controllerPort, logDirs, overrides: properties }));
  writeFileSync(log4jFile, BROKER_LOG4J);
  writeFileSync(toolsLog4j, TOOLS_LOG4J);
  const brokers = `127.0.0.1:${port}`;

  let child;
  let exited = true;
  let exitInfo = '';
  // If our Node process ends without stop() (a crash, process.exit in a test), take the broker with it.
  const onExit = () => {
    if (!exited) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', onExit);

  const logTail = () => `--- ${serverLog} (last lines) ---\n${tail(serverLog, 40)}\n--- ${consoleLog} ---\n${tail(consoleLog, 20)}`;

  try {
    const formatStarted = Date.now();
    // --standalone: a one-voter dynamic quorum (the 4.x way, with controller.quorum.bootstrap.servers).
    const format = await runKafkaTool(lib, 'kafka.tools.StorageTool', ['format', '-t', randomClusterId(), '-c', configFile, '--standalone'], { toolsLog4j });
    if (format.code !== 0) throw new Error(`kafka StorageTool format failed (exit ${format.code}):\n${format.stdout}${format.stderr}`);
    const formatMs = Date.now() - formatStarted;

    async function launch() {
      const startedAt = Date.now();
      const logOffset = sizeOf(serverLog);
      const out = openSync(consoleLog, 'a');
      child = spawn('java', [
        ...heap, '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${log4jFile}`, `-Dkafka.logs.dir=${dir}`,
        '-cp', join(lib, '*'), 'kafka.Kafka', configFile,
      ], { stdio: ['ignore', out, out] });
      closeSync(out);
      exited = false;
      exitInfo = '';
      const self = child;
      self.on('exit', (code, signal) => {
        if (self !== child) return;
        exited = true;
        exitInfo = signal ? `signal ${signal}` : `code ${code}`;
      });
      try {
        // The "started" line comes after the broker has caught up with the metadata log, been
        // unfenced by the controller and opened its client listener: a TCP connect alone would
        // succeed earlier, while requests still fail.
        await waitFor(async () => {
          if (exited) throw new Error(`Kafka exited during start-up (${exitInfo})`);
          if (!readFrom(serverLog, logOffset).includes(STARTED_LINE)) throw new Error(`no "${STARTED_LINE}" in ${serverLog} yet`);
        }, startTimeoutMs, 'Kafka');
        // Then one real client round trip (Admin API: list topics) on the advertised listener.
        const remaining = Math.max(10_000, startTimeoutMs - (Date.now() - startedAt));
        await waitFor(async () => {
          if (exited) throw new Error(`Kafka exited during start-up (${exitInfo})`);
          const list = await runKafkaTool(lib, 'org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', brokers, '--list'], { toolsLog4j, timeoutMs: 30_000 });
          if (list.code !== 0) throw new Error(`TopicCommand --list failed (exit ${list.code}): ${list.stderr.trim().split('\n').at(-1)}`);
        }, remaining, 'Kafka client check');
      } catch (error) {
        error.message += `\n${logTail()}`;
        throw error;
      }
      return Date.now() - startedAt;
    }

    async function stopBroker() {
      if (exited || !child) return;
      child.kill('SIGTERM'); // controlled shutdown: flushes logs, closes the quorum cleanly
      await waitFor(async () => { if (!exited) throw new Error('still running'); }, 15_000, 'Kafka shutdown').catch(() => {
        log(`Kafka did not stop within 15 s of SIGTERM; killing it`);
        child.kill('SIGKILL');
        return waitFor(async () => { if (!exited) throw new Error('still running'); }, 5_000, 'Kafka SIGKILL');
      });
    }

    const startMs = await launch();
    log(`Kafka ${KAFKA_VERSION} on ${brokers} (KRaft, controller on 127.0.0.1:${controllerPort}, data in ${logDirs}; format ${formatMs} ms, start ${startMs} ms)`);
    let stopped = false;
    return {
      brokers,
      port,
      lib,
      dir,
      toolsLog4j,
      timings: { fetchMs, formatMs, startMs },
      /** Stops the broker and starts it again on the same ports and data directory. */
      async restart() {
        if (stopped) throw new Error('Kafka was stopped; start a new one');
        await stopBroker();
        const ms = await launch();
        log(`Kafka restarted on ${brokers} in ${ms} ms`);
        return ms;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopBroker();
        process.off('exit', onExit);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (!exited) child.kill('SIGKILL');
    process.off('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

// --check: the smoke test for humans and CI scripts.
async function check() {
  const total = Date.now();
  const kafka = await startKafka();
  try {
    const { lib, brokers, toolsLog4j } = kafka;
    const tool = async (what, mainClass, args, input) => {
      const started = Date.now();
      const result = await runKafkaTool(lib, mainClass, ['--bootstrap-server', brokers, ...args], { input, toolsLog4j });
      if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.stdout}${result.stderr}`);
      log(`${what}: ${Date.now() - started} ms`);
      return result.stdout;
    };
    const topic = 'ledgerline-check';
    await tool('create topic', 'org.apache.kafka.tools.TopicCommand', ['--create', '--topic', topic, '--partitions', '4', '--replication-factor', '1']);
    const described = await tool('describe topic', 'org.apache.kafka.tools.TopicCommand', ['--describe', '--topic', topic]);
    process.stdout.write(described);
    const partitions = (described.match(/Partition: \d+/g) ?? []).length;
    if (partitions !== 4) throw new Error(`expected 4 partitions, describe shows ${partitions}`);
    const message = `hello from ledgerline ${Date.now()}`;
    await tool('produce 1 message', 'org.apache.kafka.tools.ConsoleProducer', ['--topic', topic], `${message}\n`);
    // With a consumer group: this also proves __consumer_offsets and the group coordinator work.
    const consumed = await tool('consume 1 message (group)', 'org.apache.kafka.tools.consumer.ConsoleConsumer', [
      '--topic', topic, '--from-beginning', '--max-messages', '1', '--timeout-ms', '30000', '--group', 'ledgerline-check',
    ]);
    if (!consumed.includes(message)) throw new Error(`consumed ${JSON.stringify(consumed)}, expected ${JSON.stringify(message)}`);
    const { fetchMs, formatMs, startMs } = kafka.timings;
    console.log(`kafka check OK: ${brokers}, Kafka ${KAFKA_VERSION}; fetch ${fetchMs ? `${(fetchMs / 1000).toFixed(1)} s` : '0 s (cached)'}, format ${formatMs} ms, start ${startMs} ms, whole check ${((Date.now() - total) / 1000).toFixed(1)} s`);
  } finally {
    const stopping = Date.now();
    await kafka.stop();
    log(`Kafka stopped in ${Date.now() - stopping} ms`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--check')) {
    check().then(() => process.exit(0), (error) => { console.error(`[services] ${error.stack ?? error}`); process.exit(1); });
  } else {
    console.error('usage: node deploy/kafka/local-kafka.mjs --check');
    process.exit(2);
  }
}
