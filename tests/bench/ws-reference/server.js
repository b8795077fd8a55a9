// Reference broadcaster for `cargo bench -p ioc-server --bench hub`: the idiomatic fan-out on
// the `ws` package — one Map from topic to the Set of its sockets, an HTTP POST that broadcasts.
// It speaks the same JSON frames as the IOC server (subscribe → subscribed, then publication
// frames with epoch + offset) so that the bench drives both with the same client code. It keeps
// no history: a `since` on resubscription is ignored (recovered: false).
//
// Usage: node server.js <port>   (prints "listening <port>" when ready)
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] || 0);
const epoch = 'ref-' + Date.now();
/** topic → Set of subscribed sockets */
const topics = new Map();
/** topic → last offset */
const offsets = new Map();

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/publish') {
    res.writeHead(404).end();
    return;
  }
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    let update;
    try {
      update = JSON.parse(body);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const offset = (offsets.get(update.topic) || 0) + 1;
    offsets.set(update.topic, offset);
    const frame = JSON.stringify({
      type: 'publication',
      topic: update.topic,
      epoch,
      offset,
      data: { kind: 'point', ts: update.ts, value: update.value, demo: false },
    });
    const subs = topics.get(update.topic);
    if (subs) for (const ws of subs) ws.send(frame);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ topic: update.topic, epoch, offset }));
  });
});

const wss = new WebSocketServer({ server, path: '/ws' });
wss.on('connection', (ws) => {
  const mine = new Set();
  ws.on('message', (data) => {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (frame.type !== 'subscribe') return;
    let subs = topics.get(frame.topic);
    if (!subs) topics.set(frame.topic, (subs = new Set()));
    subs.add(ws);
    mine.add(frame.topic);
    ws.send(
      JSON.stringify({
        type: 'subscribed',
        topic: frame.topic,
        epoch,
        offset: offsets.get(frame.topic) || 0,
        state: null,
        recovered: false,
        missed: [],
      }),
    );
  });
  ws.on('close', () => {
    for (const t of mine) topics.get(t)?.delete(ws);
  });
  ws.on('error', () => {});
});

server.listen(port, '127.0.0.1', () => {
  console.log('listening ' + server.address().port);
});
