//! Follows deadline boards (`deadlines/{unit}`, `deadlines/{province}`) over `/ws`.
//!
//! Kept apart from `crate::live`, which is shaped around the wall's tiles (point payloads,
//! recovery by offset): a board is a stored topic whose latest state is the whole truth, so this
//! client needs no positions — it subscribes, takes `state`, then every publication, and after a
//! reconnect simply subscribes again. It stops when the page that started it is left.

use leptos::prelude::*;

use ioc_protocol::DeadlineBoard;

/// Whether the live board is connected (shown as a small indicator).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveState {
    Connecting,
    Live,
    Offline,
}

/// Calls `on_board` with every board published on `topics` for as long as the current reactive
/// owner lives. Does nothing on the server.
pub fn follow_boards(
    topics: Vec<String>,
    state: RwSignal<LiveState>,
    on_board: impl Fn(DeadlineBoard) + 'static,
) {
    #[cfg(feature = "hydrate")]
    {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        on_cleanup(move || flag.store(true, Ordering::Relaxed));
        leptos::task::spawn_local(browser::run(topics, state, stop, Box::new(on_board)));
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (topics, state, on_board);
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use futures::{SinkExt, StreamExt};
    use gloo_net::websocket::{futures::WebSocket, Message};
    use gloo_timers::future::TimeoutFuture;
    use leptos::prelude::*;

    use super::LiveState;
    use ioc_protocol::{ClientFrame, DeadlineBoard, Payload, ServerFrame};

    /// How often the loop looks up (to notice the page was left, and to ping).
    const TICK_MS: u32 = 1_000;
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

    pub async fn run(
        topics: Vec<String>,
        state: RwSignal<LiveState>,
        stop: Arc<AtomicBool>,
        on_board: Box<dyn Fn(DeadlineBoard)>,
    ) {
        let mut backoff = 500u32;
        while !stop.load(Ordering::Relaxed) {
            state.try_set(LiveState::Connecting);
            if let Ok(ws) = WebSocket::open(&ws_url()) {
                if connection(ws, &topics, state, &stop, &on_board).await {
                    backoff = 500;
                }
            }
            if stop.load(Ordering::Relaxed) {
                return;
            }
            state.try_set(LiveState::Offline);
            TimeoutFuture::new(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF_MS);
        }
    }

    /// One connection until it fails or the page is left; true if it was live.
    async fn connection(
        ws: WebSocket,
        topics: &[String],
        state: RwSignal<LiveState>,
        stop: &AtomicBool,
        on_board: &dyn Fn(DeadlineBoard),
    ) -> bool {
        let (mut tx, mut rx) = ws.split();
        for topic in topics {
            let frame = ClientFrame::Subscribe {
                topic: topic.clone(),
                since: None,
            };
            let Ok(text) = serde_json::to_string(&frame) else {
                continue;
            };
            if tx.send(Message::Text(text)).await.is_err() {
                return false;
            }
        }
        let mut live = false;
        let mut silent = 0u32;
        let mut next = rx.next();
        loop {
            let timer = TimeoutFuture::new(TICK_MS);
            match futures::future::select(next, timer).await {
                futures::future::Either::Left((msg, _)) => {
                    silent = 0;
                    next = rx.next();
                    let text = match msg {
                        Some(Ok(Message::Text(t))) => t,
                        Some(Ok(Message::Bytes(_))) => continue,
                        Some(Err(_)) | None => return live,
                    };
                    let Ok(frame) = serde_json::from_str::<ServerFrame>(&text) else {
                        continue;
                    };
                    if stop.load(Ordering::Relaxed) {
                        return live;
                    }
                    let board = match frame {
                        ServerFrame::Subscribed { state: s, .. } => {
                            live = true;
                            state.try_set(LiveState::Live);
                            s
                        }
                        ServerFrame::Publication(p) => Some(p.data),
                        _ => None,
                    };
                    if let Some(Payload::Deadlines(b)) = board {
                        on_board(b);
                    }
                }
                futures::future::Either::Right((_, pending)) => {
                    next = pending;
                    if stop.load(Ordering::Relaxed) {
                        return live;
                    }
                    silent += TICK_MS;
                    if silent >= DEAD_AFTER_MS {
                        return live;
                    }
                    if silent.is_multiple_of(PING_EVERY_MS) {
                        let Ok(ping) = serde_json::to_string(&ClientFrame::Ping) else {
                            continue;
                        };
                        if tx.send(Message::Text(ping)).await.is_err() {
                            return live;
                        }
                    }
                }
            }
        }
    }
}
