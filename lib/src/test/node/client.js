#!/usr/bin/env node
/*
 * Scripted socket.io client for the JUnit end-to-end tests (see NodeClient.java).
 *
 * Usage: node client.js < scenario.json
 *
 * Reads ONE JSON scenario from stdin, runs it against a server with a real
 * socket.io client (2.5.0 = Engine.IO v3, or 4.8.x = Engine.IO v4), prints
 * exactly ONE JSON object (the result) on stdout and exits 0. Observed
 * connection errors, timeouts etc. are part of the result, not failures.
 * A non-zero exit code means a bug in this harness or an invalid scenario
 * (the reason is written to stderr).
 *
 * Scenario:
 * {
 *   "version": "2" | "4",              client library to use
 *   "url": "http://127.0.0.1:PORT",
 *   "namespace": "/" | "/admin",       connects to url + namespace (default "/")
 *   "transports": ["websocket"],       optional; client default otherwise
 *   "query": {"token": "..."},         optional handshake query parameters
 *   "auth": {"token": "..."},          optional, v4 only (socket.io v4 "auth" option)
 *   "extraHeaders": {"Authorization": "Bearer ..."},   optional HTTP headers
 *   "reconnection": false,             default false
 *   "listen": ["echo-response"],       extra event names to record
 *   "maxMs": 10000,                    total time limit (default 10000)
 *   "steps": [                         executed in order:
 *     {"waitFor": "connect", "timeoutMs": 3000},
 *         wait until one more "connect" than already consumed by earlier
 *         waitFor steps of the same name has been received (events received
 *         before the step count); on timeout {"timeout": "connect"} is added
 *         to "timeouts" and no further step is executed
 *     {"emit": "echo", "args": [{"a": 1}]},
 *     {"emit": "echo", "args": [{"a": 1}], "ack": true},
 *         an argument (or a value nested in one) {"$binary": "<base64>"} is
 *         sent as a Buffer, so as a binary attachment
 *         the ack's arguments are recorded as event "ack:echo"
 *     {"sleep": 500},
 *     {"disconnect": true},            client-side disconnect
 *     {"ackUnauthorized": false}       whether to call the ack callback of a
 *                                      server-sent "unauthorized" (default true)
 *   ]
 * }
 *
 * Recorded events: connect, connect_error ({message, data}, plus "type" and
 * "description" for transport errors, e.g. "TransportError" and 431 or
 * "Unexpected server response: 431"), error (v2: the
 * server's ERROR packet payload as is), disconnect (reason), authenticated,
 * unauthorized, reconnect_attempt, "ack:<event>" and every name in "listen".
 *
 * Result:
 * {
 *   "events": [{"name": "connect", "args": [], "t": 12}, ...],   t = ms since start
 *   "timeouts": [{"timeout": "echo-response"}],
 *   "transport": "websocket",          last engine transport seen (if known)
 *   "maxMsReached": false              true if the total time limit stopped the run
 * }
 * An event record has "hasAck": true when the server asked for an ack.
 */
'use strict';

/** Events with a dedicated handler below; everything else in "listen" gets the generic one. */
const SPECIAL_EVENTS = ['connect', 'connect_error', 'error', 'disconnect', 'unauthorized', 'reconnect_attempt'];

const startedAt = Date.now();
const elapsed = () => Date.now() - startedAt;

const result = { events: [], timeouts: [], transport: null, maxMsReached: false };
let finished = false;
let socket = null;
let ackUnauthorized = true;

/** Waiters for events: {name, index, resolve}. consumed[name] = events already taken by waitFor. */
const consumed = Object.create(null);
let waiters = [];

function fail(message) {
    process.stderr.write('client.js: ' + message + '\n');
    process.exit(2);
}

process.on('uncaughtException', (err) => {
    process.stderr.write('client.js: uncaught exception: ' + (err && err.stack || err) + '\n');
    process.exit(1);
});
process.on('unhandledRejection', (err) => {
    process.stderr.write('client.js: unhandled rejection: ' + (err && err.stack || err) + '\n');
    process.exit(1);
});

/** Turns an argument into something that survives JSON.stringify (functions dropped, depth-limited). */
function plain(value, depth = 0) {
    if (value === undefined || typeof value === 'function') {
        return null;
    }
    if (value === null || typeof value !== 'object') {
        return value;
    }
    if (depth > 20) {
        return '[too deep]';
    }
    if (value instanceof Error) {
        const out = { message: value.message };
        for (const key of ['type', 'code']) {
            if (typeof value[key] === 'string' || typeof value[key] === 'number') {
                out[key] = value[key];
            }
        }
        if (value.data !== undefined) {
            out.data = plain(value.data, depth + 1);
        }
        return out;
    }
    if (value instanceof ArrayBuffer) {
        return { binary: Buffer.from(value).toString('base64') };
    }
    if (ArrayBuffer.isView(value)) { // includes Buffer
        return { binary: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
    }
    if (Array.isArray(value)) {
        return value.map((v) => plain(v, depth + 1));
    }
    const out = {};
    for (const [key, v] of Object.entries(value)) {
        if (typeof v !== 'function' && v !== undefined) {
            out[key] = plain(v, depth + 1);
        }
    }
    return out;
}

/** Turns every {"$binary": "<base64>"} of a scenario's arguments into a Buffer. */
function binaries(value) {
    if (value === null || typeof value !== 'object') {
        return value;
    }
    if (typeof value.$binary === 'string' && Object.keys(value).length === 1) {
        return Buffer.from(value.$binary, 'base64');
    }
    if (Array.isArray(value)) {
        return value.map(binaries);
    }
    const out = {};
    for (const [key, v] of Object.entries(value)) {
        out[key] = binaries(v);
    }
    return out;
}

function currentTransport() {
    try {
        const engine = socket && socket.io && socket.io.engine;
        return engine && engine.transport ? engine.transport.name : null;
    } catch (e) {
        return null;
    }
}

function noteTransport() {
    const name = currentTransport();
    if (name) {
        result.transport = name;
    }
}

function record(name, args, hasAck) {
    if (finished) {
        return;
    }
    noteTransport();
    const entry = { name: name, args: args.map((a) => plain(a)), t: elapsed() };
    if (hasAck) {
        entry.hasAck = true;
    }
    result.events.push(entry);
    const still = [];
    for (const w of waiters) {
        if (w.name === name && countOf(name) > w.index) {
            w.resolve(true);
        } else {
            still.push(w);
        }
    }
    waiters = still;
}

function countOf(name) {
    let n = 0;
    for (const e of result.events) {
        if (e.name === name) {
            n++;
        }
    }
    return n;
}

/** Resolves true when the next unconsumed `name` event is there, false on timeout. */
function waitFor(name, timeoutMs) {
    const index = consumed[name] || 0;
    consumed[name] = index + 1;
    if (countOf(name) > index) {
        return Promise.resolve(true);
    }
    return new Promise((resolve) => {
        const waiter = { name: name, index: index, resolve: null };
        const timer = setTimeout(() => {
            waiters = waiters.filter((w) => w !== waiter);
            resolve(false);
        }, timeoutMs);
        waiter.resolve = (ok) => {
            clearTimeout(timer);
            resolve(ok);
        };
        waiters.push(waiter);
    });
}

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

function createSocket(scenario) {
    const target = scenario.url.replace(/\/+$/, '') + (scenario.namespace || '/');
    const opts = {
        forceNew: true,
        reconnection: scenario.reconnection === true,
    };
    if (scenario.transports) {
        opts.transports = scenario.transports;
    }
    if (scenario.query) {
        opts.query = scenario.query;
    }
    if (scenario.version === '2') {
        if (scenario.auth) {
            process.stderr.write('client.js: "auth" is ignored by the v2 client\n');
        }
        if (scenario.extraHeaders) {
            // engine.io-client 3.x honours extraHeaders on Node for both polling and websocket;
            // transportOptions makes sure each transport gets them.
            opts.extraHeaders = scenario.extraHeaders;
            opts.transportOptions = {
                polling: { extraHeaders: scenario.extraHeaders },
                websocket: { extraHeaders: scenario.extraHeaders },
            };
        }
        const io = require('socket.io-client-v2');
        const s = io(target, opts);
        // v2 forwards manager events (reconnect_attempt, connect_error, error) to the socket.
        s.on('reconnect_attempt', (attempt) => record('reconnect_attempt', [attempt]));
        return s;
    }
    if (scenario.version === '4') {
        if (scenario.auth) {
            opts.auth = scenario.auth;
        }
        if (scenario.extraHeaders) {
            opts.extraHeaders = scenario.extraHeaders;
        }
        const { io } = require('socket.io-client');
        const s = io(target, opts);
        s.io.on('reconnect_attempt', (attempt) => record('reconnect_attempt', [attempt]));
        return s;
    }
    return fail('unknown version ' + JSON.stringify(scenario.version) + ' (expected "2" or "4")');
}

/**
 * What a transport error says of its cause: the HTTP status (polling), or the message of the websocket's
 * ErrorEvent / Error (e.g. "Unexpected server response: 431"); undefined otherwise.
 */
function transportErrorDescription(description) {
    if (typeof description === 'number' || typeof description === 'string') {
        return description;
    }
    if (description && typeof description.message === 'string') {
        return description.message;
    }
    return undefined;
}

function attachListeners(scenario) {
    const engine = socket.io && socket.io.engine;
    if (engine) {
        engine.on('upgrade', noteTransport);
    }
    socket.on('connect', () => record('connect', []));
    socket.on('connect_error', (err) => {
        if (err && typeof err === 'object') {
            const info = { message: err.message, data: err.data };
            if (typeof err.type === 'string') {
                info.type = err.type; // e.g. "TransportError"
            }
            const description = transportErrorDescription(err.description);
            if (description !== undefined) {
                info.description = description; // e.g. 431, "Unexpected server response: 431"
            }
            record('connect_error', [info]);
        } else {
            record('connect_error', [{ message: String(err) }]);
        }
    });
    socket.on('error', (payload) => record('error', [payload]));
    socket.on('disconnect', (reason) => record('disconnect', [reason]));
    socket.on('unauthorized', (...args) => {
        const ack = typeof args[args.length - 1] === 'function' ? args.pop() : null;
        record('unauthorized', args, ack !== null);
        if (ack && ackUnauthorized) {
            ack();
        }
    });
    const names = new Set(['authenticated', ...(scenario.listen || [])]);
    for (const name of names) {
        if (SPECIAL_EVENTS.includes(name)) {
            continue; // already recorded
        }
        socket.on(name, (...args) => {
            const hasAck = typeof args[args.length - 1] === 'function';
            if (hasAck) {
                args.pop();
            }
            record(name, args, hasAck);
        });
    }
}

async function runSteps(steps) {
    for (const step of steps) {
        if (finished) {
            return;
        }
        if (step.waitFor !== undefined) {
            const ok = await waitFor(step.waitFor, step.timeoutMs !== undefined ? step.timeoutMs : 5000);
            if (!ok) {
                if (!finished) {
                    result.timeouts.push({ timeout: step.waitFor });
                }
                return;
            }
        } else if (step.emit !== undefined) {
            const args = Array.isArray(step.args) ? step.args.map(binaries) : [];
            if (step.ack) {
                const name = step.emit;
                args.push((...ackArgs) => record('ack:' + name, ackArgs));
            }
            socket.emit(step.emit, ...args);
        } else if (step.sleep !== undefined) {
            await sleep(step.sleep);
        } else if (step.disconnect) {
            socket.disconnect();
        } else if (step.ackUnauthorized !== undefined) {
            ackUnauthorized = step.ackUnauthorized !== false;
        } else {
            fail('unknown step ' + JSON.stringify(step));
        }
    }
}

function finish() {
    if (finished) {
        return;
    }
    noteTransport();
    finished = true;
    // Closing produces a "disconnect" we do not want to record, hence `finished` first.
    try {
        const manager = socket.io;
        const engine = manager && manager.engine;
        socket.disconnect();
        if (manager) {
            if (typeof manager.close === 'function') {
                manager.close(); // v2
            } else if (typeof manager._close === 'function') {
                manager._close(); // v4
            }
        }
        if (engine) {
            engine.close();
        }
    } catch (e) {
        process.stderr.write('client.js: error while closing: ' + (e && e.stack || e) + '\n');
    }
    process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0));
}

function readStdin() {
    return new Promise((resolve, reject) => {
        const chunks = [];
        process.stdin.on('data', (c) => chunks.push(c));
        process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        process.stdin.on('error', reject);
    });
}

async function main() {
    const input = await readStdin();
    let scenario;
    try {
        scenario = JSON.parse(input);
    } catch (e) {
        return fail('scenario on stdin is not valid JSON: ' + e.message);
    }
    if (!scenario || typeof scenario.url !== 'string') {
        return fail('scenario needs a "url"');
    }
    const maxMs = scenario.maxMs !== undefined ? scenario.maxMs : 10000;
    setTimeout(() => {
        result.maxMsReached = true;
        // a pending waitFor has not been satisfied: report it like a timeout
        for (const w of waiters) {
            result.timeouts.push({ timeout: w.name });
        }
        finish();
    }, maxMs);

    socket = createSocket(scenario);
    attachListeners(scenario);
    await runSteps(scenario.steps || []);
    finish();
}

main().catch((err) => {
    process.stderr.write('client.js: ' + (err && err.stack || err) + '\n');
    process.exit(1);
});
