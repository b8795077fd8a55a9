//! The browser driver of the live client: moves text between a `web_sys::WebSocket` and the
//! [`Session`], runs its clock and its retry timer, and hands states and publications to the
//! page's callbacks. Every decision is the session's.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, WebSocket};

use super::session::{Session, Step, Tick, TopicState};
use super::ConnStatus;
use ioc_protocol::{ClientFrame, Publication, StreamPosition};

/// How often the clock looks at an open connection (pings and dead connections).
const TICK: Duration = Duration::from_secs(5);

type OnState = Rc<dyn Fn(TopicState)>;
type OnPublication = Rc<dyn Fn(Publication)>;

struct Listener {
    id: u64,
    topic: String,
    on_state: OnState,
    on_publication: OnPublication,
}

/// An open (or opening) socket with the handlers it calls (kept alive as long as it is).
struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut()>,
}

impl Socket {
    /// Closes without calling the handlers (the driver already knows). The handlers are dropped
    /// a moment later: one of them may be the code running now.
    fn shut(self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
        set_timeout(move || drop(self), Duration::ZERO);
    }
}

struct Inner {
    session: Session,
    listeners: Vec<Listener>,
    next_id: u64,
    socket: Option<Socket>,
    retry: Option<TimeoutHandle>,
    clock: Option<IntervalHandle>,
    status: RwSignal<ConnStatus>,
}

/// What a handler does once the driver's state is no longer borrowed (callbacks may subscribe
/// or unsubscribe).
enum Call {
    State(OnState, TopicState),
    Publication(OnPublication, Publication),
}

#[derive(Clone)]
pub struct Driver(Rc<RefCell<Inner>>);

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn ws_url() -> String {
    let loc = window().location();
    let proto = if loc.protocol().unwrap_or_default() == "https:" {
        "wss"
    } else {
        "ws"
    };
    format!("{proto}://{}/ws", loc.host().unwrap_or_default())
}

fn send(socket: &Option<Socket>, frame: &ClientFrame) {
    let Some(s) = socket else { return };
    if let Ok(text) = serde_json::to_string(frame) {
        let _ = s.ws.send_with_str(&text);
    }
}

impl Driver {
    pub fn new(status: RwSignal<ConnStatus>) -> Self {
        Driver(Rc::new(RefCell::new(Inner {
            session: Session::new(js_sys::Math::random),
            listeners: Vec::new(),
            next_id: 0,
            socket: None,
            retry: None,
            clock: None,
            status,
        })))
    }

    pub fn subscribe(
        &self,
        topic: String,
        since: Option<StreamPosition>,
        on_state: OnState,
        on_publication: OnPublication,
    ) -> u64 {
        let (id, idle) = {
            let mut inner = self.0.borrow_mut();
            inner.next_id += 1;
            let id = inner.next_id;
            if let Some(frame) = inner.session.subscribe(&topic, since) {
                send(&inner.socket, &frame);
            }
            inner.listeners.push(Listener {
                id,
                topic,
                on_state,
                on_publication,
            });
            (id, inner.socket.is_none() && inner.retry.is_none())
        };
        if idle {
            self.connect();
        }
        id
    }

    pub fn unsubscribe(&self, id: u64) {
        let mut inner = self.0.borrow_mut();
        let Some(i) = inner.listeners.iter().position(|l| l.id == id) else {
            return;
        };
        let listener = inner.listeners.remove(i);
        if let Some(frame) = inner.session.unsubscribe(&listener.topic) {
            send(&inner.socket, &frame);
        }
        if !inner.session.wants_connection() {
            // Nobody follows anything: no socket, no timers.
            if let Some(s) = inner.socket.take() {
                s.shut();
            }
            if let Some(r) = inner.retry.take() {
                r.clear();
            }
            if let Some(c) = inner.clock.take() {
                c.clear();
            }
            let _ = inner.session.closed();
            let status = inner.status;
            drop(inner);
            status.try_set(ConnStatus::Connecting);
        }
    }

    fn weak(&self) -> Weak<RefCell<Inner>> {
        Rc::downgrade(&self.0)
    }

    fn upgrade(weak: &Weak<RefCell<Inner>>) -> Option<Driver> {
        weak.upgrade().map(Driver)
    }

    fn show_status(&self) {
        let (status, now) = {
            let inner = self.0.borrow();
            (inner.status, inner.session.status())
        };
        if status.try_get_untracked() != Some(now) {
            status.try_set(now);
        }
    }

    fn connect(&self) {
        {
            let mut inner = self.0.borrow_mut();
            inner.retry = None;
            if inner.socket.is_some() || !inner.session.wants_connection() {
                return;
            }
            inner.session.connecting();
        }
        self.show_status();
        let ws = match WebSocket::new(&ws_url()) {
            Ok(ws) => ws,
            Err(_) => return self.on_closed(),
        };
        let weak = self.weak();
        let on_open = Closure::<dyn FnMut()>::new(move || {
            if let Some(d) = Driver::upgrade(&weak) {
                d.on_open();
            }
        });
        let weak = self.weak();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let (Some(d), Some(text)) = (Driver::upgrade(&weak), e.data().as_string()) {
                d.on_text(&text);
            }
        });
        let weak = self.weak();
        let on_close = Closure::<dyn FnMut()>::new(move || {
            if let Some(d) = Driver::upgrade(&weak) {
                d.on_closed();
            }
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        self.0.borrow_mut().socket = Some(Socket {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        });
    }

    fn on_open(&self) {
        let weak = self.weak();
        let mut inner = self.0.borrow_mut();
        for frame in inner.session.opened(now_ms()) {
            send(&inner.socket, &frame);
        }
        if inner.clock.is_none() {
            inner.clock = set_interval_with_handle(
                move || {
                    if let Some(d) = Driver::upgrade(&weak) {
                        d.on_tick();
                    }
                },
                TICK,
            )
            .ok();
        }
    }

    fn on_text(&self, text: &str) {
        let calls: Vec<Call> = {
            let mut inner = self.0.borrow_mut();
            let steps = inner.session.on_text(text, now_ms());
            let mut calls = Vec::new();
            for step in steps {
                match step {
                    Step::Send(frame) => send(&inner.socket, &frame),
                    Step::State(state) => calls.extend(
                        inner
                            .listeners
                            .iter()
                            .filter(|l| l.topic == state.topic)
                            .map(|l| Call::State(l.on_state.clone(), state.clone())),
                    ),
                    Step::Publication(p) => calls.extend(
                        inner
                            .listeners
                            .iter()
                            .filter(|l| l.topic == p.topic)
                            .map(|l| Call::Publication(l.on_publication.clone(), p.clone())),
                    ),
                    Step::Refused { topic, code, .. } => {
                        leptos::logging::warn!("live: {topic} refused ({code})");
                    }
                }
            }
            calls
        };
        self.show_status();
        for call in calls {
            match call {
                Call::State(f, s) => f(s),
                Call::Publication(f, p) => f(p),
            }
        }
    }

    fn on_tick(&self) {
        let tick = {
            let mut inner = self.0.borrow_mut();
            let tick = inner.session.tick(now_ms());
            if tick == Some(Tick::Ping) {
                send(&inner.socket, &ClientFrame::Ping);
            }
            tick
        };
        if tick == Some(Tick::Dead) {
            if let Some(s) = self.0.borrow_mut().socket.take() {
                s.shut();
            }
            self.on_closed();
        }
    }

    /// The socket closed or could not open: wait, then try again (if anybody still follows).
    fn on_closed(&self) {
        let weak = self.weak();
        {
            let mut inner = self.0.borrow_mut();
            if let Some(s) = inner.socket.take() {
                s.shut();
            }
            if let Some(c) = inner.clock.take() {
                c.clear();
            }
            if let Some(delay) = inner.session.closed() {
                inner.retry = set_timeout_with_handle(
                    move || {
                        if let Some(d) = Driver::upgrade(&weak) {
                            d.connect();
                        }
                    },
                    Duration::from_millis(delay as u64),
                )
                .ok();
            }
        }
        self.show_status();
    }
}
