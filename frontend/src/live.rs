//! The browser side of the live protocol: one WebSocket per page, one subscription per followed
//! topic (each tile, the deadline board), reconnect with backoff and recovery from the last seen
//! stream position.

use futures::{SinkExt, StreamExt};
use gloo_net::websocket::{futures::WebSocket, Message};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;

use crate::wall::{BoardLive, ConnStatus, TileLive};
use ioc_protocol::{ClientFrame, Payload, ServerFrame, StreamPosition};

/// What a followed topic updates on the page.
#[derive(Clone, Copy)]
pub enum Follow {
    /// A tile, from the points of `indicator/{series}/{unit}`.
    Tile(RwSignal<TileLive>),
    /// The deadline board, from the whole states published on `deadlines/{province}`.
    Board(RwSignal<BoardLive>),
}

impl Follow {
    fn position(&self) -> StreamPosition {
        match self {
            Follow::Tile(s) => s.with_untracked(|t| StreamPosition {
                epoch: t.epoch.clone(),
                offset: t.offset,
            }),
            Follow::Board(s) => s.with_untracked(|b| StreamPosition {
                epoch: b.epoch.clone(),
                offset: b.offset,
            }),
        }
    }

    /// Applies one publication (live or recovered).
    fn publish(&self, epoch: &str, offset: i64, data: Payload) {
        match (self, data) {
            (Follow::Tile(s), Payload::Point(p)) => s.update(|t| {
                t.apply(epoch, offset, p);
            }),
            (Follow::Board(s), Payload::Deadlines(b)) => s.update(|x| {
                x.apply(epoch, offset, b);
            }),
            _ => {}
        }
    }

    /// Takes the server's state as the truth (first subscription or a failed recovery).
    fn resync(&self, epoch: &str, offset: i64, state: Option<Payload>) {
        match self {
            Follow::Tile(s) => {
                let latest = state.and_then(|p| match p {
                    Payload::Point(p) => Some(p),
                    _ => None,
                });
                s.update(|t| t.reset(epoch, offset, latest));
            }
            Follow::Board(s) => {
                let board = state.and_then(|p| match p {
                    Payload::Deadlines(b) => Some(b),
                    _ => None,
                });
                s.update(|x| {
                    x.epoch = epoch.to_string();
                    x.offset = offset;
                    if board.is_some() {
                        x.board = board;
                    }
                });
            }
        }
    }
}

/// Seconds without any frame from the server after which the connection is considered dead.
/// The client pings every `PING_EVERY_MS`, so a healthy server always answers well within it.
const PING_EVERY_MS: u32 = 15_000;
const DEAD_AFTER_MS: u32 = 40_000;
const MAX_BACKOFF_MS: u32 = 15_000;

fn ws_url() -> String {
    let loc = window().location();
    let proto = if loc.protocol().unwrap_or_default() == "https:" {
        "wss"
    } else {
        "ws"
    };
    format!("{proto}://{}/ws", loc.host().unwrap_or_default())
}

/// Keeps the wall clock moving.
pub fn tick_clock(now: RwSignal<chrono::DateTime<chrono::Utc>>) {
    leptos::task::spawn_local(async move {
        loop {
            TimeoutFuture::new(1_000).await;
            now.set(chrono::Utc::now());
        }
    });
}

/// Connects and keeps the page following its topics for the life of the page.
pub fn connect(tiles: Vec<(String, Follow)>, status: RwSignal<ConnStatus>) {
    leptos::task::spawn_local(async move {
        let mut backoff: u32 = 500;
        loop {
            status.set(ConnStatus::Connecting);
            if let Ok(ws) = WebSocket::open(&ws_url()) {
                if run(ws, &tiles, status).await {
                    backoff = 500;
                }
            }
            status.set(ConnStatus::Offline);
            // Jitter keeps a room full of walls from reconnecting in lock-step after a restart.
            let jitter = (js_sys_random() * backoff as f64 * 0.3) as u32;
            TimeoutFuture::new(backoff + jitter).await;
            backoff = (backoff * 2).min(MAX_BACKOFF_MS);
        }
    });
}

fn js_sys_random() -> f64 {
    // Date-based pseudo-randomness is enough for jitter and avoids another dependency.
    (chrono::Utc::now().timestamp_subsec_nanos() % 1000) as f64 / 1000.0
}

/// Runs one connection until it fails. Returns true if it was live at some point.
async fn run(ws: WebSocket, tiles: &[(String, Follow)], status: RwSignal<ConnStatus>) -> bool {
    let (mut tx, mut rx) = ws.split();
    for (topic, live) in tiles {
        // A board never seen (no epoch yet) asks for the state, not for a recovery.
        let since = Some(live.position()).filter(|p| !p.epoch.is_empty());
        let frame = ClientFrame::Subscribe {
            topic: topic.clone(),
            since,
        };
        let Ok(text) = serde_json::to_string(&frame) else {
            continue;
        };
        if tx.send(Message::Text(text)).await.is_err() {
            return false;
        }
    }
    let mut was_live = false;
    let mut silent_ms: u32 = 0;
    loop {
        let next = rx.next();
        let timer = TimeoutFuture::new(PING_EVERY_MS);
        futures::pin_mut!(next);
        match futures::future::select(next, timer).await {
            futures::future::Either::Left((msg, _)) => {
                silent_ms = 0;
                match msg {
                    Some(Ok(Message::Text(text))) => {
                        if let Ok(frame) = serde_json::from_str::<ServerFrame>(&text) {
                            if matches!(frame, ServerFrame::Subscribed { .. }) && !was_live {
                                was_live = true;
                                status.set(ConnStatus::Live);
                            }
                            handle(frame, tiles);
                        }
                    }
                    Some(Ok(Message::Bytes(_))) => {}
                    Some(Err(_)) | None => return was_live,
                }
            }
            futures::future::Either::Right(_) => {
                silent_ms += PING_EVERY_MS;
                if silent_ms >= DEAD_AFTER_MS {
                    return was_live;
                }
                let Ok(ping) = serde_json::to_string(&ClientFrame::Ping) else {
                    continue;
                };
                if tx.send(Message::Text(ping)).await.is_err() {
                    return was_live;
                }
            }
        }
    }
}

fn handle(frame: ServerFrame, tiles: &[(String, Follow)]) {
    let find = |topic: &str| tiles.iter().find(|(t, _)| t == topic).map(|(_, f)| *f);
    match frame {
        ServerFrame::Subscribed {
            topic,
            epoch,
            offset,
            state,
            recovered,
            missed,
        } => {
            let Some(live) = find(&topic) else { return };
            if recovered {
                for p in missed {
                    live.publish(&p.epoch, p.offset, p.data);
                }
                // Position even if nothing was missed (keeps the epoch current).
                match live {
                    Follow::Tile(s) => s.update(|t| {
                        if t.offset < offset {
                            t.offset = offset;
                        }
                    }),
                    Follow::Board(s) => s.update(|b| {
                        if b.offset < offset {
                            b.offset = offset;
                        }
                    }),
                }
            } else {
                live.resync(&epoch, offset, state);
            }
        }
        ServerFrame::Publication(p) => {
            let Some(live) = find(&p.topic) else { return };
            live.publish(&p.epoch, p.offset, p.data);
        }
        ServerFrame::Unsubscribed { .. } | ServerFrame::Pong | ServerFrame::Error { .. } => {}
    }
}
