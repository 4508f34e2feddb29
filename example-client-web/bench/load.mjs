#!/usr/bin/env node
// Load benchmark: what netty-socketio-jwt costs a netty-socketio server, measured as server CPU time and memory
// per operation against a bare netty-socketio server doing the same work without authentication.
//
// Usage (from the repository root, after `mvn -q -B package -DskipTests` and `npm ci` in example-client-web):
//
//   node example-client-web/bench/load.mjs --smoke          # every measurement, tiny; exit status 1 on any failure
//   node example-client-web/bench/load.mjs                  # the real run (about 15 minutes on 2 cores)
//   node example-client-web/bench/load.mjs --warmup 8000 --connections 1000 --idle 1200 --json /tmp/bench.json
//                                                           # shorter (about 6 minutes)
//   node example-client-web/bench/load.mjs --help           # every option
//
// It starts three JVMs from example-server/target/example-server.jar with the same flags (--jvm-opts): the example
// server in handshake mode, the example server in authenticate mode (namespace "/" protected, `echo` answered by
// `echo-response`), and io.github.socketiojwt.example.bench.BareServer (the same netty-socketio configuration and
// `echo`, no authentication). After warming each JVM up it measures, in rounds that alternate bare and
// authenticated servers (bare first in odd rounds, last in even ones), with websocket compression (the client's
// perMessageDeflate) on and off:
//
//   - server CPU time (utime + stime of /proc/<pid>/stat) per connection (connect, authenticate, disconnect), with
//     a new token per connection and with tokens already used; per rejected connection (bad signature); per echo
//     round trip on connected sockets;
//   - live heap (jcmd GC.run, then GC.heap_info) and VmRSS per idle socket;
//   - connect latency p50 / p99, as the client sees it.
//
// Bare clients send the same messages as the clients of the mode they are compared with (the token in the auth
// payload; or `authenticate {token}`, which the bare server answers with `authenticated` without any check), so
// that the ratios auth/bare are what the authentication itself adds. In the rejection phase the bare server accepts
// the same traffic, so "bare" there is the cost of an accepted bare connection. `--auth-server library` compares
// the bare server with itself plus the library only (BareServer --library MODE), without the example's routes.
//
// Read the CPU figures, not the throughput: one Node process drives every client, and on a small machine it, not
// the server, sets the pace (connections are also bound by round trips). Figures are medians over rounds; ratios
// are medians of each round's ratio. Other processes on the machine add noise. See bench/README.md.

import { spawn, execFile, execFileSync } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');

const OPTIONS = {
    connections: { def: 2000, smoke: 30, help: 'connections per CPU measurement (new tokens, used tokens, rejections)' },
    concurrency: { def: 50, smoke: 10, help: 'connections in flight at once' },
    warmup: { def: 20000, smoke: 60, help: 'warm-up connections per server, before any measurement' },
    'warmup-more': { def: 10, smoke: 0, help: 'then at most this many warm-up batches of --connections more, until the JIT compilers are quiet (at most 3 % of a batch\'s CPU, or 2 clock ticks)' },
    rounds: { def: 3, smoke: 1, help: 'rounds; each measures every figure once per server' },
    'echo-sockets': { def: 200, smoke: 10, help: 'connected sockets in the echo measurement' },
    echoes: { def: 50, smoke: 5, help: 'echo round trips per socket, one after the other' },
    'echo-bytes': { def: 100, smoke: 100, help: 'echo payload text length' },
    idle: { def: 3000, smoke: 30, help: 'idle sockets held for the memory measurement (at most 5000: see README)' },
    'settle-ms': { def: 600, smoke: 100, help: 'wait after each batch before reading the CPU time (covers the 500 ms grace of refusals)' },
    'timeout-ms': { def: 20000, smoke: 10000, help: 'longest wait for one connection, echo or close' },
    'deflate-threshold': { def: 1024, smoke: 1024, help: 'compression on: smallest client message compressed (the client default)' },
};
const LIST_OPTIONS = {
    modes: { def: 'handshake,authenticate', allowed: ['handshake', 'authenticate'], help: 'example server modes' },
    compression: { def: 'on,off', allowed: ['on', 'off'], help: 'websocket permessage-deflate settings' },
};
const STRING_OPTIONS = {
    'jvm-opts': { def: '-Xmx512m', help: 'JVM flags, the same for every server (space separated)' },
    jar: { def: path.join(REPO, 'example-server', 'target', 'example-server.jar'), help: 'the example server jar' },
    'auth-server': { def: 'example', allowed: ['example', 'library'],
        help: 'the authenticated server: the example server, or the bare server with only the library on / (BareServer --library)' },
    'token-cache': { def: null, help: 'with --auth-server library: the library\'s verifiedTokenCacheSize (0 turns the cache off)' },
    json: { def: null, help: 'also write every measurement and the summary to this file' },
    pin: { def: null, help: 'SERVER,CLIENT: pin every server to CPU SERVER and this load generator to CPU CLIENT (taskset), e.g. 0,1' },
};
// Both servers log at WARN: the example server's audit listener logs every authentication at INFO.
// Compiler threads that live as long as the JVM: the JIT's CPU time can be told apart (see jvmThreadTicks).
const FIXED_JVM_OPTS = ['-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-XX:-UseDynamicNumberOfCompilerThreads'];
const LOW_TICKS = 20;

function usage() {
    const lines = ['Usage: node example-client-web/bench/load.mjs [--smoke] [options]', '',
        'Compares server CPU time and memory per operation of the example server (netty-socketio-jwt) and a bare',
        'netty-socketio server. Build first: mvn -q -B package -DskipTests; cd example-client-web && npm ci.', '',
        '  --smoke                 every measurement tiny (seconds); exit status 1 if anything failed',
        '                          (the defaults below are replaced by the smoke values in brackets)'];
    for (const [name, o] of Object.entries(OPTIONS)) {
        lines.push(`  --${name} N`.padEnd(26) + `${o.help} (default ${o.def} [${o.smoke}])`);
    }
    for (const [name, o] of Object.entries(LIST_OPTIONS)) {
        lines.push(`  --${name} A,B`.padEnd(26) + `${o.help} (default ${o.def})`);
    }
    for (const [name, o] of Object.entries(STRING_OPTIONS)) {
        lines.push(`  --${name} S`.padEnd(26) + `${o.help}` + (o.def ? ` (default ${path.relative(process.cwd(), o.def) || o.def})` : ''));
    }
    lines.push('  --help                  prints this text', '');
    return lines.join('\n');
}

class UsageError extends Error {}
/** A failure of the run itself (a server that does not start or dies): reported without a stack trace. */
class BenchError extends Error {}

function parseArgs(argv) {
    const given = {};
    let smoke = false;
    for (let i = 0; i < argv.length; i++) {
        let arg = argv[i];
        if (arg === '--help' || arg === '-h') return { help: true };
        if (arg === '--smoke') { smoke = true; continue; }
        if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'`);
        let value;
        const eq = arg.indexOf('=');
        if (eq > 0) { value = arg.slice(eq + 1); arg = arg.slice(0, eq); }
        const name = arg.slice(2);
        if (!(name in OPTIONS || name in LIST_OPTIONS || name in STRING_OPTIONS)) {
            throw new UsageError(`unknown option ${arg} (see --help)`);
        }
        if (value === undefined) {
            if (i + 1 >= argv.length) throw new UsageError(`${arg}: no value`);
            value = argv[++i];
        }
        given[name] = value;
    }
    const cfg = { smoke };
    for (const [name, o] of Object.entries(OPTIONS)) {
        const raw = given[name] ?? String(smoke ? o.smoke : o.def);
        const n = Number(raw);
        const min = name === 'warmup' || name === 'warmup-more' || name === 'settle-ms' ? 0 : 1;
        if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name}: '${raw}' (expected: an integer >= ${min})`);
        cfg[camel(name)] = n;
    }
    for (const [name, o] of Object.entries(LIST_OPTIONS)) {
        const list = (given[name] ?? o.def).split(',').map((s) => s.trim()).filter(Boolean);
        const bad = list.find((v) => !o.allowed.includes(v));
        if (bad !== undefined || list.length === 0) {
            throw new UsageError(`--${name}: '${given[name]}' (expected: a comma-separated list of ${o.allowed.join(', ')})`);
        }
        cfg[camel(name)] = [...new Set(list)];
    }
    for (const [name, o] of Object.entries(STRING_OPTIONS)) {
        const value = given[name] ?? o.def;
        if (o.allowed && !o.allowed.includes(value)) {
            throw new UsageError(`--${name}: '${value}' (expected: one of ${o.allowed.join(', ')})`);
        }
        cfg[camel(name)] = value;
    }
    cfg.jvmOpts = cfg.jvmOpts.split(/\s+/).filter(Boolean);
    if (cfg.pin !== null) {
        const cpus = cfg.pin.split(',').map((s) => s.trim());
        if (cpus.length !== 2 || !cpus.every((c) => /^[0-9]+$/.test(c)) || cpus[0] === cpus[1]) {
            throw new UsageError(`--pin: '${cfg.pin}' (expected: two different CPU numbers, SERVER,CLIENT, such as 0,1)`);
        }
        cfg.pin = { server: cpus[0], client: cpus[1] };
    }
    return cfg;
}

function camel(name) {
    return name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}

// --- small helpers ------------------------------------------------------------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout(promise, ms, label) {
    let timer;
    const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${label}: no answer in ${ms} ms`)), ms); });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function pool(count, concurrency, task) {
    let next = 0;
    const worker = async () => {
        while (next < count) await task(next++);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

function median(values) {
    const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    if (v.length === 0) return NaN;
    const mid = Math.floor(v.length / 2);
    return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function percentile(values, q) {
    if (values.length === 0) return NaN;
    const v = [...values].sort((a, b) => a - b);
    return v[Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1))];
}

function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.on('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

function canConnect(port) {
    return new Promise((resolve) => {
        const socket = net.connect({ port, host: '127.0.0.1' });
        socket.once('connect', () => { socket.destroy(); resolve(true); });
        socket.once('error', () => resolve(false));
    });
}

// --- tokens (HS256, Node's crypto) ----------------------------------------------------------------------------------

const JWT_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
let tokenSerial = 0;

function signToken(secret) {
    const n = ++tokenSerial;
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: `bench-${n}`, username: `bench-${n}`, jti: randomUUID(), iat: now, exp: now + 3600 };
    const body = `${JWT_HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

// --- the servers ----------------------------------------------------------------------------------------------------

const children = new Set();

class ServerProcess {
    constructor(name, label, mode, args, env) {
        this.name = name;       // bare, handshake, authenticate
        this.label = label;
        this.mode = mode;       // none, handshake, authenticate
        this.args = args;
        this.env = env;
        this.output = [];
        this.exited = null;
    }

    async start(cfg) {
        this.port = await freePort();
        this.url = `http://127.0.0.1:${this.port}`;
        const args = [...cfg.jvmOpts, ...FIXED_JVM_OPTS, ...this.args(this.port)];
        // taskset execs java: the pid read for CPU time stays the server's.
        const [command, argv] = cfg.pin ? ['taskset', ['-c', cfg.pin.server, 'java', ...args]] : ['java', args];
        this.commandLine = `${command} ${argv.join(' ')}`;
        this.child = spawn(command, argv, { cwd: REPO, env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
        children.add(this.child);
        const keep = (chunk) => {
            this.output.push(...chunk.toString().split('\n').filter(Boolean));
            if (this.output.length > 40) this.output.splice(0, this.output.length - 40);
        };
        this.child.stdout.on('data', keep);
        this.child.stderr.on('data', keep);
        this.child.on('exit', (code, signal) => {
            children.delete(this.child);
            this.exited = { code, signal };
        });
        this.child.on('error', (e) => { this.exited = { code: null, signal: null, error: e.message }; });
        const deadline = Date.now() + 60000;
        while (Date.now() < deadline) {
            this.checkAlive();
            if (await canConnect(this.port)) {
                this.pid = this.child.pid;
                return;
            }
            await sleep(100);
        }
        throw new BenchError(`${this.label} did not listen on port ${this.port} within 60 s\n${this.tail()}`);
    }

    checkAlive() {
        if (this.exited) {
            const how = this.exited.error ?? (this.exited.signal ? `signal ${this.exited.signal}` : `status ${this.exited.code}`);
            throw new BenchError(`${this.label} exited (${how})\n${this.tail()}`);
        }
    }

    tail() {
        return this.output.map((line) => `    ${this.name}| ${line}`).join('\n');
    }

    /** utime + stime of every thread of the JVM, in clock ticks. */
    cpuTicks() {
        this.checkAlive();
        const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3, state
        return Number(fields[11]) + Number(fields[12]);
    }

    /**
     * utime + stime of the JVM's JIT compiler threads (C1, C2; -XX:-UseDynamicNumberOfCompilerThreads keeps them
     * alive, so none takes its time away with it), of its garbage collector's threads and of the library's timer
     * thread, in clock ticks.
     */
    jvmThreadTicks() {
        const ticks = { jit: 0, gc: 0, timer: 0 };
        for (const tid of readdirSync(`/proc/${this.pid}/task`)) {
            let stat;
            try {
                stat = readFileSync(`/proc/${this.pid}/task/${tid}/stat`, 'utf8');
            } catch {
                continue; // the thread ended meanwhile
            }
            const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            const kind = /^C[12] CompilerThre/.test(comm) ? 'jit' : /^(GC Thread|G1 |VM Thread)/.test(comm) ? 'gc'
                : comm.startsWith('socketio-jwt') ? 'timer' : null;
            if (kind) {
                const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
                ticks[kind] += Number(fields[11]) + Number(fields[12]);
            }
        }
        return ticks;
    }

    rssKb() {
        const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
        return match ? Number(match[1]) : NaN;
    }

    /** The heap in use after a full GC, in KiB, or NaN when jcmd is unavailable. */
    async liveHeapKb() {
        try {
            await jcmd(this.pid, 'GC.run');
            const info = await jcmd(this.pid, 'GC.heap_info');
            // G1: "garbage-first heap   total 30720K, used 12345K"; serial and parallel GCs: one line per generation.
            let used = 0;
            let found = false;
            for (const m of info.matchAll(/total \d+K, used (\d+)K/g)) { used += Number(m[1]); found = true; }
            return found ? used : NaN;
        } catch (e) {
            jcmdFailed = true;
            warnOnce(`jcmd failed (${e.message.split('\n')[0]}): no live heap figure`);
            return NaN;
        }
    }

    async stop() {
        if (!this.child || this.exited) return;
        this.child.kill('SIGTERM');
        const deadline = Date.now() + 5000;
        while (!this.exited && Date.now() < deadline) await sleep(50);
        if (!this.exited) this.child.kill('SIGKILL');
    }
}

function jcmd(pid, command) {
    return new Promise((resolve, reject) => {
        execFile('jcmd', [String(pid), command], { timeout: 60000 }, (error, stdout, stderr) => {
            if (error) reject(new Error(`${error.message} ${stderr}`)); else resolve(stdout);
        });
    });
}

const warned = new Set();
let jcmdFailed = false;
function warnOnce(message) {
    if (!warned.has(message)) { warned.add(message); console.error(`warning: ${message}`); }
}

function killChildren() {
    for (const child of children) {
        try { child.kill('SIGKILL'); } catch { /* already gone */ }
    }
    children.clear();
}

// --- clients --------------------------------------------------------------------------------------------------------

let io;
const failures = [];
let failureCount = 0;

function fail(where, message) {
    failureCount++;
    if (failures.length < 30) failures.push(`${where}: ${message}`);
}

/**
 * Opens one socket on namespace "/" and waits until it is usable (bare: connect; handshake: connect with the token
 * in the auth payload; authenticate: connect, emit authenticate, authenticated) or, with expect "reject", refused.
 * Never throws: returns { ok, error, socket, closed, ms }.
 */
function openSocket(cfg, server, { token, expect, compression, protocol }) {
    const t0 = performance.now();
    const flow = protocol ?? server.mode; // bare: the messages of the mode it is compared with, without any check
    const options = {
        transports: ['websocket'], forceNew: true, reconnection: false, timeout: cfg.timeoutMs,
        perMessageDeflate: compression ? { threshold: cfg.deflateThreshold } : false,
    };
    if (flow === 'handshake') options.auth = { token };
    const socket = io(server.url, options);
    const raw = socket.io.engine?.transport?.ws;
    const closed = raw ? new Promise((resolve) => raw.once('close', resolve)) : Promise.resolve();
    return new Promise((resolve) => {
        let done = false;
        const finish = (ok, error) => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            const ms = performance.now() - t0;
            if (ok && raw && raw.extensions.includes('permessage-deflate') !== compression) {
                ok = false;
                error = `permessage-deflate ${compression ? 'not negotiated' : 'negotiated'} (extensions: '${raw.extensions}')`;
            }
            resolve({ ok, error, socket, closed, ms });
        };
        const timer = setTimeout(() => finish(false, `no answer in ${cfg.timeoutMs} ms`), cfg.timeoutMs);
        const accepted = (how) => finish(expect === 'accept', expect === 'accept' ? null : `${how} with a bad token`);
        socket.on('connect', () => {
            if (flow === 'authenticate') socket.emit('authenticate', { token });
            else accepted('connected');
        });
        socket.on('authenticated', () => accepted('authenticated'));
        socket.on('connect_error', (err) => {
            const ok = expect === 'reject' && server.mode === 'handshake' && err.message === 'invalid signature'
                && err.data?.code === 'invalid_token';
            finish(ok, `connect_error '${err.message}'`);
        });
        socket.on('unauthorized', (err, ack) => {
            if (typeof ack === 'function') ack();
            const message = err?.message ?? err?.data?.message;
            const ok = expect === 'reject' && server.mode === 'authenticate' && message === 'invalid signature';
            finish(ok, `unauthorized '${message}'`);
        });
        socket.on('disconnect', (reason) => finish(false, `disconnected (${reason})`));
    });
}

/** Disconnects and waits until the server has closed the websocket. */
async function closeSocket(cfg, opened, where) {
    opened.socket.disconnect();
    try {
        await withTimeout(opened.closed, cfg.timeoutMs, 'websocket close');
    } catch (e) {
        fail(where, e.message);
    }
    opened.socket.removeAllListeners();
}

// --- one measurement ------------------------------------------------------------------------------------------------

/** Runs work() and returns the server CPU time it took, read settle-ms after it ended, with the client's CPU. */
async function measureCpu(cfg, server, work) {
    const clientBefore = process.cpuUsage();
    const t0 = performance.now();
    const jvmBefore = server.jvmThreadTicks();
    const before = server.cpuTicks();
    await work();
    await sleep(cfg.settleMs);
    const ticks = server.cpuTicks() - before;
    const jvm = server.jvmThreadTicks();
    const wallMs = performance.now() - t0;
    const client = process.cpuUsage(clientBefore);
    return { ticks, jitTicks: jvm.jit - jvmBefore.jit, gcTicks: jvm.gc - jvmBefore.gc,
        timerTicks: jvm.timer - jvmBefore.timer, wallMs,
        clientCpuMs: (client.user + client.system) / 1000 };
}

/**
 * Connects `count` sockets one after the other at `concurrency` in flight, each closed as soon as it is usable (or
 * refused). Tokens: `tokens[i]` when given (used tokens), else a new one, remembered in `issued`.
 */
async function connectionBatch(cfg, ctx, server, { count, expect, tokens, issued, latencies }) {
    const where = `${ctx.where} ${server.name}`;
    await pool(count, cfg.concurrency, async (i) => {
        // Bare clients send the same tokens (which the bare server ignores), so that both carry the same bytes.
        const token = expect === 'reject' ? signToken(ctx.wrongSecret)
            : tokens ? tokens[i % tokens.length] : signToken(ctx.secret);
        if (issued && server.mode !== 'none') issued.push(token);
        const opened = await openSocket(cfg, server, { token, expect, compression: ctx.compression,
            protocol: protocolOf(ctx, server) });
        if (opened.ok) latencies?.push(opened.ms); else fail(where, opened.error);
        await closeSocket(cfg, opened, where);
    });
}

/**
 * Opens `count` sockets and keeps them open; failures are recorded, and the sockets that did open returned. Tokens:
 * `tokens[i]` when given, else new ones.
 */
async function openMany(cfg, ctx, server, count, tokens) {
    const where = `${ctx.where} ${server.name}`;
    const sockets = [];
    await pool(count, cfg.concurrency, async (i) => {
        const token = tokens ? tokens[i % tokens.length] : signToken(ctx.secret);
        const opened = await openSocket(cfg, server, { token, expect: 'accept', compression: ctx.compression,
            protocol: protocolOf(ctx, server) });
        if (opened.ok) sockets.push(opened); else { fail(where, opened.error); await closeSocket(cfg, opened, where); }
    });
    return sockets;
}

/** The messages a client goes through: its server's mode, or for the bare server the mode it is compared with. */
function protocolOf(ctx, server) {
    return server.mode === 'none' ? ctx.mode ?? 'none' : server.mode;
}

async function closeMany(cfg, ctx, server, sockets) {
    await Promise.all(sockets.map((s) => closeSocket(cfg, s, `${ctx.where} ${server.name}`)));
}

async function echoLoop(cfg, opened, text, rtts) {
    const { socket } = opened;
    for (let n = 0; n < cfg.echoes; n++) {
        const t0 = performance.now();
        const answer = new Promise((resolve) => socket.once('echo-response', resolve));
        socket.emit('echo', { n, text });
        const data = await withTimeout(answer, cfg.timeoutMs, 'echo');
        if (data?.n !== n || data?.text !== text) throw new Error(`echo answered ${JSON.stringify(data).slice(0, 80)}`);
        rtts?.push(performance.now() - t0);
    }
}

/** The phases of a round; each returns a record of its measurement. */
const PHASES = {
    async cold(cfg, ctx, server) {
        const latencies = [];
        const issued = [];
        const m = await measureCpu(cfg, server, () => connectionBatch(cfg, ctx, server,
            { count: cfg.connections, expect: 'accept', issued, latencies }));
        if (server.mode !== 'none') ctx.usedTokens = issued;
        return { ...m, ops: cfg.connections, latencies };
    },
    async warm(cfg, ctx, server) {
        const latencies = [];
        const tokens = server.mode === 'none' ? null : ctx.usedTokens;
        if (tokens && tokens.length === 0) throw new Error('no used tokens: the cold phase must run first');
        const m = await measureCpu(cfg, server, () => connectionBatch(cfg, ctx, server,
            { count: cfg.connections, expect: 'accept', tokens, latencies }));
        return { ...m, ops: cfg.connections, latencies };
    },
    async reject(cfg, ctx, server) {
        const latencies = [];
        const expect = server.mode === 'none' ? 'accept' : 'reject';
        const m = await measureCpu(cfg, server, () => connectionBatch(cfg, ctx, server,
            { count: cfg.connections, expect, latencies }));
        return { ...m, ops: cfg.connections, latencies };
    },
    async echo(cfg, ctx, server) {
        const sockets = await openMany(cfg, ctx, server, cfg.echoSockets);
        const text = 'x'.repeat(cfg.echoBytes);
        const rtts = [];
        const m = await measureCpu(cfg, server, () => Promise.all(sockets.map((s) => echoLoop(cfg, s, text, rtts)
            .catch((e) => fail(`${ctx.where} ${server.name}`, e.message)))));
        await closeMany(cfg, ctx, server, sockets);
        await sleep(cfg.settleMs);
        return { ...m, ops: sockets.length * cfg.echoes, latencies: rtts };
    },
    async idle(cfg, ctx, server) {
        // Each idle socket has its own token, verified once beforehand: the library's verified-token cache then
        // holds the same tokens before and after, and the difference is the sockets' own state.
        let tokens;
        if (server.mode !== 'none') {
            tokens = Array.from({ length: cfg.idle }, () => signToken(ctx.secret));
            await connectionBatch(cfg, ctx, server, { count: cfg.idle, expect: 'accept', tokens });
            await sleep(cfg.settleMs);
        }
        const heapBefore = await server.liveHeapKb();
        const rssBefore = server.rssKb();
        const sockets = await openMany(cfg, ctx, server, cfg.idle, tokens);
        await sleep(Math.max(500, cfg.settleMs));
        const heapAfter = await server.liveHeapKb();
        const rssAfter = server.rssKb();
        const held = sockets.length;
        await closeMany(cfg, ctx, server, sockets);
        await sleep(Math.max(500, cfg.settleMs));
        return {
            ops: held, heapBeforeKb: heapBefore, heapAfterKb: heapAfter, rssBeforeKb: rssBefore, rssAfterKb: rssAfter,
            heapBytesPerSocket: held ? ((heapAfter - heapBefore) * 1024) / held : NaN,
            rssBytesPerSocket: held ? ((rssAfter - rssBefore) * 1024) / held : NaN,
        };
    },
};
const PHASE_ORDER = ['cold', 'warm', 'reject', 'echo', 'idle'];

// --- the run --------------------------------------------------------------------------------------------------------

/** Warms a server up with `count` connections, then with more batches until its JIT compilers are quiet. */
async function warmUp(cfg, ctx, server) {
    await warmUpWith(cfg, ctx, server, cfg.warmup);
    for (let more = 0; more < cfg.warmupMore; more++) {
        const m = await measureCpu(cfg, server, () => warmUpWith(cfg, ctx, server, cfg.connections));
        if (m.jitTicks <= Math.max(2, 0.03 * m.ticks)) return { more, quiet: true };
    }
    return { more: cfg.warmupMore, quiet: cfg.warmupMore === 0 };
}

async function warmUpWith(cfg, ctx, server, count) {
    // The bare server is warmed up with the messages of every mode it is compared with.
    const protocols = server.mode === 'none' ? cfg.modes : [server.mode];
    const share = Math.ceil(count / cfg.compression.length / protocols.length);
    for (const compression of cfg.compression) {
        for (const mode of protocols) {
            const c = { ...ctx, mode, compression: compression === 'on', where: `warm-up compression ${compression}` };
            const issued = [];
            const accept = Math.ceil(share / 2);
            const reuse = Math.ceil(share / 4);
            const bad = Math.max(0, share - accept - reuse);
            await connectionBatch(cfg, c, server, { count: accept, expect: 'accept', issued });
            if (server.mode === 'none') {
                await connectionBatch(cfg, c, server, { count: reuse + bad, expect: 'accept' });
            } else {
                await connectionBatch(cfg, c, server, { count: reuse, expect: 'accept', tokens: issued });
                await connectionBatch(cfg, c, server, { count: bad, expect: 'reject' });
            }
            const sockets = await openMany(cfg, c, server, cfg.echoSockets);
            const text = 'x'.repeat(cfg.echoBytes);
            await Promise.all(sockets.map((s) => echoLoop(cfg, s, text).catch((e) => fail(c.where, e.message))));
            await closeMany(cfg, c, server, sockets);
        }
    }
}

function summarize(cfg, records) {
    const rows = [];
    for (const compression of cfg.compression) {
        for (const mode of cfg.modes) {
            const pick = (server, phase) => records.filter((r) => r.compression === compression && r.mode === mode
                && r.server === server && r.phase === phase);
            const figure = (phase, fn) => {
                const bare = pick('bare', phase);
                const auth = pick(mode, phase);
                const pairs = auth.map((a) => [a, bare.find((x) => x.round === a.round)]).filter(([, b]) => b);
                const ratios = pairs.map(([a, b]) => fn(a) / fn(b)).filter((x) => Number.isFinite(x));
                const deltas = pairs.map(([a, b]) => fn(a) - fn(b)).filter((x) => Number.isFinite(x));
                return {
                    bare: median(bare.map(fn)), auth: median(auth.map(fn)),
                    bareRange: [Math.min(...bare.map(fn)), Math.max(...bare.map(fn))],
                    authRange: [Math.min(...auth.map(fn)), Math.max(...auth.map(fn))],
                    ratio: median(ratios),
                    delta: median(deltas),
                    lowTicks: [...bare, ...auth].some((r) => r.ticks !== undefined && r.ticks < LOW_TICKS),
                };
            };
            const latency = (phase, q) => {
                const all = (server) => pick(server, phase).flatMap((r) => r.latencies ?? []);
                const bare = percentile(all('bare'), q);
                const auth = percentile(all(mode), q);
                return { bare, auth, ratio: auth / bare, delta: auth - bare };
            };
            const cpu = (r) => (r.ticks / CLK_TCK) * 1e6 / r.ops;
            const cpuNoJit = (r) => ((r.ticks - r.jitTicks) / CLK_TCK) * 1e6 / r.ops;
            rows.push({
                compression, mode,
                figures: {
                    cpuPerConnectionNewToken: { unit: 'µs', ...figure('cold', cpu) },
                    cpuPerConnectionUsedToken: { unit: 'µs', ...figure('warm', cpu) },
                    cpuPerRejection: { unit: 'µs', ...figure('reject', cpu) },
                    cpuPerEcho: { unit: 'µs', ...figure('echo', cpu) },
                    cpuPerConnectionNewTokenNoJit: { unit: 'µs', ...figure('cold', cpuNoJit) },
                    cpuPerConnectionUsedTokenNoJit: { unit: 'µs', ...figure('warm', cpuNoJit) },
                    cpuPerRejectionNoJit: { unit: 'µs', ...figure('reject', cpuNoJit) },
                    cpuPerEchoNoJit: { unit: 'µs', ...figure('echo', cpuNoJit) },
                    heapPerIdleSocket: { unit: 'B', ...figure('idle', (r) => r.heapBytesPerSocket) },
                    rssPerIdleSocket: { unit: 'B', ...figure('idle', (r) => r.rssBytesPerSocket) },
                    connectLatencyP50NewToken: { unit: 'ms', ...latency('cold', 0.5) },
                    connectLatencyP99NewToken: { unit: 'ms', ...latency('cold', 0.99) },
                    connectLatencyP50UsedToken: { unit: 'ms', ...latency('warm', 0.5) },
                    connectLatencyP99UsedToken: { unit: 'ms', ...latency('warm', 0.99) },
                    rejectionLatencyP50: { unit: 'ms', ...latency('reject', 0.5) },
                    rejectionLatencyP99: { unit: 'ms', ...latency('reject', 0.99) },
                    echoRoundTripP50: { unit: 'ms', ...latency('echo', 0.5) },
                    echoRoundTripP99: { unit: 'ms', ...latency('echo', 0.99) },
                },
            });
        }
    }
    return rows;
}

const LABELS = {
    cpuPerConnectionNewToken: 'CPU per connection, new token',
    cpuPerConnectionUsedToken: 'CPU per connection, used token',
    cpuPerRejection: 'CPU per rejection (bad signature) ¹',
    cpuPerEcho: 'CPU per echo round trip',
    cpuPerConnectionNewTokenNoJit: '  the same, JIT excluded ⁴: new token',
    cpuPerConnectionUsedTokenNoJit: '  used token',
    cpuPerRejectionNoJit: '  rejection',
    cpuPerEchoNoJit: '  echo round trip',
    heapPerIdleSocket: 'live heap per idle socket ³',
    rssPerIdleSocket: 'RSS per idle socket ²',
    connectLatencyP50NewToken: 'connect latency p50, new token',
    connectLatencyP99NewToken: 'connect latency p99, new token',
    connectLatencyP50UsedToken: 'connect latency p50, used token',
    connectLatencyP99UsedToken: 'connect latency p99, used token',
    rejectionLatencyP50: 'rejection latency p50 ¹',
    rejectionLatencyP99: 'rejection latency p99 ¹',
    echoRoundTripP50: 'echo round trip p50',
    echoRoundTripP99: 'echo round trip p99',
};

function formatValue(value, unit) {
    if (!Number.isFinite(value)) return 'n/a';
    if (unit === 'B') return Math.abs(value) >= 1024 ? `${(value / 1024).toFixed(1)} KiB` : `${Math.round(value)} B`;
    if (unit === 'ms') return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
    return `${value < 100 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

function formatCell(value, range, unit, rounds) {
    const text = formatValue(value, unit);
    if (!range || rounds < 2 || !Number.isFinite(range[0])) return text;
    const strip = (v) => formatValue(v, unit).replace(/ (µs|ms|B|KiB)$/, '');
    return `${text} [${strip(range[0])}–${strip(range[1])}]`;
}

function table(cfg, rows, context) {
    const out = [];
    const width = [38, 22, 22, 10, 10];
    const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join(' ');
    for (const row of rows) {
        out.push('', `compression ${row.compression}, example server in ${row.mode} mode ` +
            `(${cfg.rounds} round${cfg.rounds > 1 ? 's' : ''}: median [min–max])`);
        out.push(line(['', 'bare', 'auth', 'auth/bare', 'auth−bare']));
        let anyLow = false;
        for (const [key, f] of Object.entries(row.figures)) {
            const low = f.lowTicks ? ' *' : '';
            anyLow ||= f.lowTicks;
            out.push(line([LABELS[key] + low, formatCell(f.bare, f.bareRange, f.unit, cfg.rounds),
                formatCell(f.auth, f.authRange, f.unit, cfg.rounds),
                Number.isFinite(f.ratio) ? f.ratio.toFixed(2) : 'n/a', formatValue(f.delta, f.unit)]));
        }
        if (anyLow) out.push(`  * fewer than ${LOW_TICKS} clock ticks (1/${CLK_TCK} s) in a measurement: imprecise`);
    }
    out.push('',
        'auth/bare and auth−bare: medians of each round\'s ratio and difference (latencies: of the pooled percentiles).',
        '¹ bare: a plain accepted connection (a bare server refuses nothing).',
        '² RSS grows in steps and is rarely returned: the live heap is the better figure.',
        '³ tokens verified beforehand: the verified-token cache is in both readings, not in the difference.',
        '⁴ without the CPU time of the JVM\'s JIT compiler threads, which still compile now and then after the',
        '  warm-up (a C2 compilation can cost more than a whole batch of connections): the steadier figure.',
        'CPU: utime+stime of the server JVM per operation, connect to server-side close included; latencies: as',
        'the client sees them at --concurrency ' + cfg.concurrency + ', client queueing included.',
        context);
    return out.join('\n');
}

let CLK_TCK = 100;

async function main() {
    let cfg;
    try {
        cfg = parseArgs(process.argv.slice(2));
    } catch (e) {
        if (e instanceof UsageError) {
            console.error(`load.mjs: ${e.message}`);
            process.exit(2);
        }
        throw e;
    }
    if (cfg.help) {
        process.stdout.write(usage());
        return 0;
    }
    if (!existsSync(cfg.jar)) {
        console.error(`load.mjs: ${cfg.jar} not found (build it first: mvn -q -B package -DskipTests)`);
        return 1;
    }
    try {
        ({ io } = await import('socket.io-client'));
    } catch (e) {
        console.error(`load.mjs: socket.io-client not found (run npm ci in example-client-web): ${e.message}`);
        return 1;
    }
    CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    if (cfg.pin) {
        try {
            execFileSync('taskset', ['-a', '-cp', cfg.pin.client, String(process.pid)], { stdio: 'ignore' });
        } catch (e) {
            console.error(`load.mjs: --pin: taskset could not pin this process to CPU ${cfg.pin.client} (${e.message})`);
            return 1;
        }
    }

    const secret = randomBytes(32).toString('base64url');
    const ctx = { secret, wrongSecret: randomBytes(32).toString('base64url') };
    const jar = cfg.jar;
    const servers = {
        bare: new ServerProcess('bare', 'bare server', 'none',
            (port) => ['-cp', jar, 'io.github.socketiojwt.example.bench.BareServer', '--port', String(port)], {}),
    };
    for (const mode of cfg.modes) {
        servers[mode] = cfg.authServer === 'library'
            ? new ServerProcess(mode, `bare server + netty-socketio-jwt (${mode} mode)`, mode,
                (port) => ['-cp', jar, 'io.github.socketiojwt.example.bench.BareServer', '--port', String(port),
                    '--library', mode, ...(cfg.tokenCache === null ? [] : ['--token-cache', cfg.tokenCache])],
                { JWT_SECRET: secret })
            : new ServerProcess(mode, `example server (${mode} mode)`, mode,
                (port) => ['-jar', jar, '--port', String(port), '--mode', mode, '--user', 'bench:not-used-by-the-bench'],
                { JWT_SECRET: secret });
    }
    const started = Date.now();
    const loadBefore = os.loadavg();
    log(`${cfg.smoke ? 'smoke' : 'load'} run: ${os.cpus().length} CPUs, load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`
        + `, CLK_TCK ${CLK_TCK}` + (cfg.pin ? `, servers on CPU ${cfg.pin.server}, load generator on CPU ${cfg.pin.client}` : ''));

    const records = [];
    const idleCpu = {};
    try {
        await Promise.all(Object.values(servers).map(async (server) => {
            await server.start(cfg);
            log(`started ${server.label}: pid ${server.pid}, port ${server.port}`);
        }));
        for (const server of Object.values(servers)) {
            const t0 = Date.now();
            const { more, quiet } = await warmUp(cfg, ctx, server);
            server.checkAlive();
            log(`warmed up ${server.label} (${cfg.warmup + more * cfg.connections} connections, `
                + `${((Date.now() - t0) / 1000).toFixed(1)} s${quiet ? '' : '; the JIT compilers were still busy'})`);
        }
        for (const server of Object.values(servers)) {
            const ms = cfg.smoke ? 200 : 2000;
            const before = server.cpuTicks();
            await sleep(ms);
            idleCpu[server.name] = ((server.cpuTicks() - before) / CLK_TCK) * 1000 / (ms / 1000);
        }
        log(`idle server CPU, ms per s: ${Object.entries(idleCpu).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);

        for (const compression of cfg.compression) {
            for (let round = 1; round <= cfg.rounds; round++) {
                for (const mode of cfg.modes) {
                    const order = round % 2 ? [servers.bare, servers[mode]] : [servers[mode], servers.bare];
                    const c = { ...ctx, compression: compression === 'on', mode };
                    for (const phase of PHASE_ORDER) {
                        for (const server of order) {
                            c.where = `compression ${compression}, round ${round}, ${mode}, ${phase}`;
                            const failedBefore = failureCount;
                            const result = await PHASES[phase](cfg, c, server);
                            server.checkAlive();
                            records.push({ compression, round, mode, phase, server: server.name, ...result,
                                failures: failureCount - failedBefore });
                        }
                    }
                    log(`compression ${compression}, round ${round}/${cfg.rounds}, ${mode} mode: done`
                        + (failureCount ? ` (${failureCount} failures so far)` : ''));
                }
            }
        }
    } finally {
        await Promise.all(Object.values(servers).map((s) => s.stop()));
    }

    const rows = summarize(cfg, records);
    const measured = records.filter((r) => r.ticks !== undefined);
    const serverCpuMs = measured.reduce((s, r) => s + (r.ticks * 1000) / CLK_TCK, 0);
    const clientCpuMs = measured.reduce((s, r) => s + r.clientCpuMs, 0);
    const wallMs = measured.reduce((s, r) => s + r.wallMs, 0);
    const loadAfter = os.loadavg();
    const context = `During the CPU measurements the load generator (one Node process) was busy ${(100 * clientCpuMs / wallMs).toFixed(0)}%`
        + ` of the wall time, the server under test ${(100 * serverCpuMs / wallMs).toFixed(0)}%;`
        + ` idle server CPU ${Object.entries(idleCpu).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')} ms/s.`
        + `\nLoad average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`
        + ` (${os.cpus().length} CPUs); total ${((Date.now() - started) / 1000).toFixed(0)} s.`;
    console.log(table(cfg, rows, context));

    // Every figure must exist; a smoke run's CPU figures may be 0 (below a clock tick), never missing.
    const missing = [];
    for (const row of rows) {
        for (const [key, f] of Object.entries(row.figures)) {
            const optional = key.startsWith('heap') && jcmdFailed;
            for (const side of ['bare', 'auth']) {
                if (!Number.isFinite(f[side]) && !optional) missing.push(`${row.compression}/${row.mode} ${key} ${side}`);
            }
        }
    }
    if (cfg.json) {
        const json = {
            config: { ...cfg, jar: path.relative(REPO, cfg.jar) }, clkTck: CLK_TCK, node: process.version,
            cpus: os.cpus().length, loadBefore, loadAfter, idleCpuMsPerS: idleCpu,
            servers: Object.fromEntries(Object.values(servers).map((s) => [s.name, s.commandLine])),
            summary: rows, failures: { count: failureCount, first: failures }, missing,
            records: records.map(({ latencies, ...r }) => ({ ...r, latencyCount: latencies?.length })),
        };
        writeFileSync(cfg.json, `${JSON.stringify(json, (k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
        log(`wrote ${cfg.json}`);
    }
    if (failureCount || missing.length) {
        console.error(`\nFAILED: ${failureCount} failed operations, ${missing.length} missing figures`);
        for (const f of failures) console.error(`  ${f}`);
        for (const m of missing) console.error(`  no figure: ${m}`);
        return 1;
    }
    if (cfg.smoke) console.error('\nsmoke run passed: every server started, every operation succeeded, every figure produced');
    return 0;
}

function log(message) {
    console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
        console.error(`\nload.mjs: ${signal}, stopping the servers`);
        killChildren();
        process.exit(signal === 'SIGINT' ? 130 : 143);
    });
}

main().then((status) => {
    killChildren();
    process.exit(status);
}, (error) => {
    console.error(`load.mjs: ${error instanceof BenchError ? error.message : error.stack ?? error}`);
    killChildren();
    process.exit(1);
});
