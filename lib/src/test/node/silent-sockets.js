#!/usr/bin/env node
/*
 * Opens N raw Engine.IO v4 websocket connections to a Socket.IO server, connects each to "/" and never
 * authenticates; measures, per socket, when the server's DISCONNECT ("41") arrives after its CONNECT ack ("40"),
 * minus the expected authentication timeout. Used by QuarantineStorm.java (a measurement, not a test).
 *
 * Usage: node silent-sockets.js URL COUNT TIMEOUT_MS [IN_FLIGHT]
 * Prints one JSON object: {count, measured, failed, openedMs, latenessMs: {p50, p99, max}}.
 */
'use strict';

const WebSocket = require('ws');

const [url, countArg, timeoutArg, inFlightArg] = process.argv.slice(2);
const count = Number(countArg);
const timeoutMs = Number(timeoutArg);
const inFlight = Number(inFlightArg || 200);
const wsUrl = url.replace(/^http/, 'ws') + '/socket.io/?EIO=4&transport=websocket';

const lateness = [];
let failed = 0;
let started = 0;
let pending = 0;
let finished = 0;
let openedAt = 0;
const t0 = process.hrtime.bigint();
const now = () => Number(process.hrtime.bigint() - t0) / 1e6;

function done() {
    finished++;
    if (finished === count) {
        lateness.sort((a, b) => a - b);
        const pct = (p) => lateness.length === 0 ? -1
            : lateness[Math.min(lateness.length - 1, Math.max(0, Math.ceil(p / 100 * lateness.length) - 1))];
        process.stdout.write(JSON.stringify({ count, measured: lateness.length, failed, openedMs: Math.round(openedAt),
            latenessMs: { p50: Math.round(pct(50)), p99: Math.round(pct(99)), max: Math.round(pct(100)) } }) + '\n');
        process.exit(0);
    }
}

function open() {
    while (pending < inFlight && started < count) {
        started++;
        pending++;
        let connectedAt = 0;
        let over = false;
        const finish = (ok) => {
            if (over) {
                return;
            }
            over = true;
            if (!ok) {
                failed++;
            }
            done();
        };
        const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
        ws.on('message', (data) => {
            const frame = data.toString();
            if (frame.startsWith('0{')) {
                ws.send('40');
            } else if (frame.startsWith('40')) {
                connectedAt = now();
                pending--;
                if (started === count && pending === 0) {
                    openedAt = now();
                }
                open();
            } else if (frame === '2') {
                ws.send('3');
            } else if (frame.startsWith('41')) {
                lateness.push(now() - connectedAt - timeoutMs);
                ws.terminate();
                finish(true);
            }
        });
        ws.on('error', () => {
            if (connectedAt === 0) {
                pending--;
                open();
            }
            finish(false);
        });
        ws.on('close', () => finish(connectedAt > 0 && lateness.length > 0 ? true : false));
    }
}

open();
