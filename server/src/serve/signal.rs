//! Ctrl-C and SIGTERM, without `unsafe` (the workspace forbids it) and without a signal handler.
//!
//! The signals are *blocked* in the calling thread, which every thread started afterwards
//! inherits (the runtime's workers included), and one thread waits for them with `sigwait`. The
//! first one resolves [`ShutdownSignals::recv`]; a second one ends the process at once (exit
//! status 130), for when a graceful shutdown takes too long. Child processes do not inherit the
//! mask: the standard library clears it when it spawns.

use anyhow::{Context, Result};
use nix::sys::signal::{SigSet, Signal};
use tokio::sync::oneshot;

/// The first SIGINT or SIGTERM, as a future.
#[derive(Debug)]
pub struct ShutdownSignals {
    received: oneshot::Receiver<Signal>,
}

impl ShutdownSignals {
    /// Blocks SIGINT and SIGTERM and starts the waiting thread. Call it on the main thread before
    /// starting any other thread or runtime: a thread started earlier keeps the default action
    /// (immediate termination).
    pub fn install() -> Result<Self> {
        let mut set = SigSet::empty();
        set.add(Signal::SIGINT);
        set.add(Signal::SIGTERM);
        set.thread_block()
            .context("blocking SIGINT and SIGTERM for a graceful shutdown")?;
        let (tx, received) = oneshot::channel();
        std::thread::Builder::new()
            .name("mensura-signals".to_owned())
            .spawn(move || {
                let Ok(first) = set.wait() else { return };
                let _ = tx.send(first);
                if set.wait().is_ok() {
                    eprintln!("second signal: stopping now");
                    std::process::exit(130);
                }
            })
            .context("starting the signal thread")?;
        Ok(Self { received })
    }

    /// Resolves on the first signal (never, if the waiting thread could not wait).
    pub async fn recv(self) {
        match self.received.await {
            Ok(signal) => eprintln!("{signal}: shutting down (again to stop at once)"),
            Err(_) => std::future::pending().await,
        }
    }
}
