//! Fetching: the manifest first, then extracts on demand, with byte-level progress, the manifest
//! checks ([`crate::data::verify`]) and the engine's decoding, each timed.

use std::sync::Arc;

use bytes::Bytes;
use leptos::prelude::*;
use mensura_engine::attribution::Journeys;
use mensura_engine::extract;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::{Loaded, Payload, Progress, Slot, Store, now_ms};
use crate::data::{self, FileEntry, LoadError, Manifest};
use crate::marts::Table;
use crate::state::State;

/// Why a fetch failed: not found (try the next place) or anything else.
enum FetchError {
    NotFound(String),
    Other(String),
}

fn js_text(v: &wasm_bindgen::JsValue) -> String {
    v.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| v.as_string())
        .unwrap_or_else(|| format!("{v:?}"))
}

/// Fetches `url`, streaming the body so that `progress[name]` moves as bytes arrive.
async fn fetch_bytes(
    store: Store,
    url: &str,
    name: &str,
    total: u64,
    no_cache: bool,
) -> Result<Vec<u8>, FetchError> {
    let window = web_sys::window().ok_or_else(|| FetchError::Other("no window".into()))?;
    let init = web_sys::RequestInit::new();
    if no_cache {
        init.set_cache(web_sys::RequestCache::NoCache);
    }
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|e| FetchError::Other(format!("the network request failed ({})", js_text(&e))))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| FetchError::Other("not an HTTP response".into()))?;
    if response.status() == 404 {
        return Err(FetchError::NotFound(format!("HTTP 404 at {url}")));
    }
    if !response.ok() {
        return Err(FetchError::Other(format!(
            "HTTP {} {} at {url}",
            response.status(),
            response.status_text()
        )));
    }
    let mut out = Vec::with_capacity(total as usize);
    let set = |loaded: u64| {
        store.progress.update(|p| {
            p.insert(name.to_owned(), Progress { loaded, total });
        });
    };
    set(0);
    let read_err = |e: wasm_bindgen::JsValue| {
        FetchError::Other(format!("the download broke off ({})", js_text(&e)))
    };
    match response.body() {
        Some(body) => {
            let reader: web_sys::ReadableStreamDefaultReader = body
                .get_reader()
                .dyn_into()
                .map_err(|_| FetchError::Other("cannot read the response".into()))?;
            loop {
                let chunk = JsFuture::from(reader.read()).await.map_err(read_err)?;
                let done = js_sys::Reflect::get(&chunk, &"done".into())
                    .ok()
                    .and_then(|d| d.as_bool())
                    .unwrap_or(true);
                if done {
                    break;
                }
                if let Ok(value) = js_sys::Reflect::get(&chunk, &"value".into()) {
                    let array = js_sys::Uint8Array::new(&value);
                    let start = out.len();
                    out.resize(start + array.length() as usize, 0);
                    array.copy_to(&mut out[start..]);
                    set(out.len() as u64);
                }
            }
        }
        None => {
            let buffer = JsFuture::from(response.array_buffer().map_err(read_err)?)
                .await
                .map_err(read_err)?;
            out = js_sys::Uint8Array::new(&buffer).to_vec();
        }
    }
    store.progress.update(|p| {
        p.remove(name);
    });
    Ok(out)
}

/// Loads `manifest.json` from the link's data directory, or from `data/` and then the bundled
/// fixtures (`data/fixtures/`, a copy of `fixtures/warehouse/`), and records whether the link was made on other data.
pub async fn load_manifest(store: Store, state: RwSignal<State>, data_dir: Option<String>) {
    let candidates = match &data_dir {
        Some(d) if d.ends_with('/') || d.is_empty() => vec![d.clone()],
        Some(d) => vec![format!("{d}/")],
        None => vec!["data/".to_owned(), "data/fixtures/".to_owned()],
    };
    let mut tried = Vec::new();
    for base in &candidates {
        let url = format!("{base}manifest.json");
        let t0 = now_ms();
        match fetch_bytes(store, &url, "manifest.json", 0, true).await {
            Ok(bytes) => {
                let result = Manifest::parse(&url, &bytes).map(|m| Loaded {
                    base: base.clone(),
                    manifest: Arc::new(m),
                    hash: data::manifest_hash(&bytes),
                });
                store.time("load:manifest", now_ms() - t0);
                match result {
                    Ok(loaded) => {
                        let link = state.with_untracked(|s| s.manifest.clone());
                        if let Some(then) = link.filter(|h| *h != loaded.hash) {
                            store.changed.set(Some((then, loaded.hash.clone())));
                        }
                        state.update(|s| s.manifest = Some(loaded.hash.clone()));
                        store.manifest.set(Slot::Ready(loaded));
                    }
                    Err(e) => store.manifest.set(Slot::Failed(e)),
                }
                return;
            }
            Err(FetchError::NotFound(d)) => tried.push(d),
            Err(FetchError::Other(detail)) => {
                store
                    .manifest
                    .set(Slot::Failed(LoadError::ManifestMissing { url, detail }));
                return;
            }
        }
    }
    store.manifest.set(Slot::Failed(LoadError::ManifestMissing {
        url: candidates
            .iter()
            .map(|b| format!("{b}manifest.json"))
            .collect::<Vec<_>>()
            .join(" or "),
        detail: tried.join("; "),
    }));
}

/// Starts loading `file` unless it is loading or loaded already.
pub fn request(store: Store, file: String) {
    let new = store.extracts.try_update(|m| {
        if m.contains_key(&file) {
            false
        } else {
            m.insert(file.clone(), Slot::Loading);
            true
        }
    });
    if new != Some(true) {
        return;
    }
    leptos::task::spawn_local(async move {
        let slot = match load(store, &file).await {
            Ok(p) => Slot::Ready(p),
            Err(e) => Slot::Failed(e),
        };
        store.extracts.update(|m| {
            m.insert(file, slot);
        });
    });
}

/// Downloads and checks one file of the manifest.
async fn download(store: Store, base: &str, entry: &FileEntry) -> Result<Bytes, LoadError> {
    let t0 = now_ms();
    let bytes = fetch_bytes(
        store,
        &format!("{base}{}", entry.name),
        &entry.name,
        entry.bytes,
        false,
    )
    .await
    .map_err(|e| LoadError::Download {
        file: entry.name.clone(),
        detail: match e {
            FetchError::NotFound(d) => {
                format!("{d}: the manifest lists it but the server does not have it")
            }
            FetchError::Other(d) => d,
        },
    })?;
    store.time(&format!("download:{}", entry.name), now_ms() - t0);
    data::verify(entry, &bytes)?;
    Ok(Bytes::from(bytes))
}

fn entry<'a>(m: &'a Manifest, file: &str) -> Result<&'a FileEntry, LoadError> {
    let stem = file.strip_suffix(".parquet").unwrap_or(file);
    m.file(file)
        .or_else(|| m.files.iter().find(|f| f.extract == stem))
        .ok_or_else(|| LoadError::NotPublished {
            file: file.to_owned(),
        })
}

/// Times a decode step.
fn timed<T>(store: Store, key: String, f: impl FnOnce() -> T) -> T {
    let t0 = now_ms();
    let out = f();
    store.time(&key, now_ms() - t0);
    out
}

async fn load(store: Store, file: &str) -> Result<Payload, LoadError> {
    let Slot::Ready(loaded) = store.manifest.get_untracked() else {
        return Err(LoadError::NotPublished {
            file: file.to_owned(),
        });
    };
    let m = &loaded.manifest;
    let base = loaded.base.as_str();
    if let Some(sector) = file
        .strip_prefix("journeys_touches_")
        .and_then(|s| s.strip_suffix(".parquet"))
    {
        let conversions = entry(m, &format!("conversions_{sector}.parquet"))?;
        let touches = entry(m, file)?;
        let cb = download(store, base, conversions).await?;
        let tb = download(store, base, touches).await?;
        let c = timed(store, format!("decode:{}", conversions.name), || {
            extract::read_conversions(&conversions.name, cb)
        })?;
        let t = timed(store, format!("decode:{}", touches.name), || {
            extract::read_touches(&touches.name, tb)
        })?;
        let j = timed(store, format!("join:{sector}"), || {
            Journeys::new(&c, &t, &touches.name)
        })?;
        return Ok(Payload::Journeys(Arc::new(j)));
    }
    let e = entry(m, file)?;
    let bytes = download(store, base, e).await?;
    let key = format!("decode:{}", e.name);
    Ok(match e.extract.as_str() {
        "funnel_events" => Payload::FunnelEvents(Arc::new(timed(store, key, || {
            extract::read_funnel_events(&e.name, bytes)
        })?)),
        "mmm_spine_weekly" => Payload::Spine(Arc::new(timed(store, key, || {
            extract::read_spine(&e.name, bytes)
        })?)),
        _ if file.starts_with("funnel_events") => {
            Payload::FunnelEvents(Arc::new(timed(store, key, || {
                extract::read_funnel_events(&e.name, bytes)
            })?))
        }
        _ if file.starts_with("mmm_spine_weekly") => {
            Payload::Spine(Arc::new(timed(store, key, || {
                extract::read_spine(&e.name, bytes)
            })?))
        }
        _ => Payload::Table(Arc::new(timed(store, key, || Table::read(&e.name, bytes))?)),
    })
}
